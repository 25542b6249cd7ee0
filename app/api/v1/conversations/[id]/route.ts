import { withApiKey } from "@/lib/cloud-api/with-api-key";
import { conversationResource } from "@/lib/cloud-api/schemas";
import { jsonResponse } from "@/lib/cloud-api/request";
import { presentConversation } from "@/lib/cloud-api/present";
import { requireApiConversation } from "@/lib/cloud-api/conversation-access";
import { getChanges } from "@/lib/conversations/queries";
import { getEnv } from "@/lib/env";

export const dynamic = "force-dynamic";

export const GET = withApiKey<{ params: Promise<{ id: string }> }>(async (_req, { db, user, params }) => {
  const conversation = await requireApiConversation(db, user.id, (await params).id);
  const pending = await getChanges(db, conversation.id);
  return jsonResponse(conversationResource, presentConversation(conversation, getEnv().APP_URL, { pendingFiles: pending?.files ?? [] }));
});
