import { withApiKey } from "@/lib/cloud-api/with-api-key";
import { pushedBranchResource } from "@/lib/cloud-api/schemas";
import { jsonResponse } from "@/lib/cloud-api/request";
import { presentConversation } from "@/lib/cloud-api/present";
import { requireApiConversation } from "@/lib/cloud-api/conversation-access";
import { pushConversationBranch } from "@/lib/conversations/publish";
import { getEnv } from "@/lib/env";
import { gitlabOAuthConfig } from "@/lib/gitlab/settings";

export const dynamic = "force-dynamic";

/** "Push branch" over the API: the agent's unpushed work goes to its branch, with the key owner's token. */
export const POST = withApiKey<{ params: Promise<{ id: string }> }>(async (_req, { db, user, params }) => {
  const ref = { id: (await requireApiConversation(db, user.id, (await params).id)).id, userId: user.id };
  const appUrl = getEnv().APP_URL;
  const pushed = await pushConversationBranch(db, ref, { oauth: gitlabOAuthConfig, appUrl });
  const conversation = await requireApiConversation(db, user.id, ref.id);
  return jsonResponse(pushedBranchResource, { ...pushed, conversation: presentConversation(conversation, appUrl, { pendingFiles: [] }) });
});
