import { withApiKey } from "@/lib/cloud-api/with-api-key";
import { conversationResource, followUpBody } from "@/lib/cloud-api/schemas";
import { jsonResponse, readJsonBody } from "@/lib/cloud-api/request";
import { presentConversation } from "@/lib/cloud-api/present";
import { sendFollowUp } from "@/lib/conversations/follow-up";
import { getEnv } from "@/lib/env";

export const dynamic = "force-dynamic";

/** A follow-up: stored now; the agent runs again (at once if the last run ended, else after it). */
export const POST = withApiKey<{ params: Promise<{ id: string }> }>(async (req, { db, user, params }) => {
  const { id } = await params;
  const body = await readJsonBody(req, followUpBody);
  const { conversation } = await sendFollowUp(db, { conversationId: id, userId: user.id, message: body.message });
  return jsonResponse(conversationResource, presentConversation(conversation, getEnv().APP_URL), 202);
});
