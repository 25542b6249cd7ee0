import type { Conversation } from "@/db/schema";
import type { ConversationResource } from "./schemas";

/** A conversation row as the API shows it: ISO timestamps, a link to the web app. */
export function presentConversation(c: Conversation, appUrl: string): ConversationResource {
  return {
    id: c.id,
    status: c.status,
    title: c.title,
    repository: { id: c.projectId, path: c.projectPath },
    branch: c.branch,
    trigger: c.trigger,
    outcome: c.outcome,
    summary: c.summary,
    error: c.error,
    mergeRequestUrl: c.mergeRequestUrl,
    url: `${appUrl}/conversations/${c.id}`,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    startedAt: c.startedAt?.toISOString() ?? null,
    finishedAt: c.finishedAt?.toISOString() ?? null,
  };
}
