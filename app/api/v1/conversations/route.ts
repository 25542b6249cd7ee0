import { withApiKey } from "@/lib/cloud-api/with-api-key";
import { createConversationBody, conversationList, conversationResource, listConversationsQuery } from "@/lib/cloud-api/schemas";
import { jsonResponse, readJsonBody, readQuery } from "@/lib/cloud-api/request";
import { presentConversation } from "@/lib/cloud-api/present";
import { launchConversation } from "@/lib/conversations/launch";
import { listConversations } from "@/lib/conversations/queries";
import { getEnv } from "@/lib/env";

export const dynamic = "force-dynamic";

/** Start a conversation; the repository and branch are checked on GitLab with the key owner's token. */
export const POST = withApiKey(async (req, { db, user }) => {
  const body = await readJsonBody(req, createConversationBody);
  const conversation = await launchConversation(db, {
    userId: user.id,
    repository: body.repository,
    branch: body.branch,
    message: body.message,
    openMergeRequest: body.openMergeRequest,
    trigger: "api",
  });
  const resource = presentConversation(conversation, getEnv().APP_URL);
  return jsonResponse(conversationResource, resource, 201, { location: resource.url });
});

export const GET = withApiKey(async (req, { db, user }) => {
  const query = readQuery(req, listConversationsQuery);
  const page = await listConversations(db, { userId: user.id, status: query.status, cursor: query.cursor, limit: query.limit });
  const appUrl = getEnv().APP_URL;
  return jsonResponse(conversationList, { items: page.items.map((c) => presentConversation(c, appUrl)), nextCursor: page.nextCursor });
});
