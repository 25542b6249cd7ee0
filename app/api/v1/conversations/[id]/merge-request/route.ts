import { withApiKey } from "@/lib/cloud-api/with-api-key";
import { mergeRequestResource } from "@/lib/cloud-api/schemas";
import { jsonResponse } from "@/lib/cloud-api/request";
import { presentConversation } from "@/lib/cloud-api/present";
import { requireApiConversation } from "@/lib/cloud-api/conversation-access";
import { openConversationMergeRequest } from "@/lib/conversations/publish";
import { getEnv } from "@/lib/env";
import { gitlabOAuthConfig } from "@/lib/gitlab/settings";

export const dynamic = "force-dynamic";

/** "Open merge request" over the API: pushes first when needed; reuses an MR already open for the branch. */
export const POST = withApiKey<{ params: Promise<{ id: string }> }>(async (_req, { db, user, params }) => {
  const ref = { id: (await requireApiConversation(db, user.id, (await params).id)).id, userId: user.id };
  const appUrl = getEnv().APP_URL;
  const mr = await openConversationMergeRequest(db, ref, { oauth: gitlabOAuthConfig, appUrl });
  const conversation = await requireApiConversation(db, user.id, ref.id);
  return jsonResponse(mergeRequestResource, { ...mr, conversation: presentConversation(conversation, appUrl, { pendingFiles: [] }) }, mr.reused ? 200 : 201);
});
