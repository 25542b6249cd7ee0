import { withApiKey } from "@/lib/cloud-api/with-api-key";
import { conversationResource } from "@/lib/cloud-api/schemas";
import { jsonResponse } from "@/lib/cloud-api/request";
import { presentConversation } from "@/lib/cloud-api/present";
import { cancelConversation } from "@/lib/conversations/cancel";
import { getEnv } from "@/lib/env";
import { gitlabOAuthConfig } from "@/lib/gitlab/settings";
import { runLifecycles } from "@/lib/resolver/run-lifecycle";

export const dynamic = "force-dynamic";

/** Cancels a queued conversation at once, or asks the running agent to stop; 409 once it has ended. */
export const POST = withApiKey<{ params: Promise<{ id: string }> }>(async (_req, { db, user, params }) => {
  const { id } = await params;
  const conversation = await cancelConversation(db, { id, userId: user.id }, { lifecycles: runLifecycles, oauth: gitlabOAuthConfig });
  return jsonResponse(conversationResource, presentConversation(conversation, getEnv().APP_URL), 202);
});
