import type { Conversation } from "@/db/schema";
import { conversationVerdict, verdictLabel } from "@/lib/conversations/outcome";
import type { ConversationResource } from "./schemas";

/** A conversation row as the API shows it: ISO timestamps, a link to the web app. */
export function presentConversation(c: Conversation, appUrl: string, extra: { pendingFiles?: string[] } = {}): ConversationResource {
  const verdict = conversationVerdict(c.status, c.outcome);
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
    outcomeLabel: c.status === "queued" || c.status === "starting" || c.status === "running" ? null : verdictLabel[verdict],
    pushedBranch: c.pushedBranch,
    ...(extra.pendingFiles ? { pendingFiles: extra.pendingFiles } : {}),
    mergeRequestUrl: c.mergeRequestUrl,
    url: `${appUrl}/conversations/${c.id}`,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    startedAt: c.startedAt?.toISOString() ?? null,
    finishedAt: c.finishedAt?.toISOString() ?? null,
  };
}
