import type { Database } from "@/db/client";
import type { Conversation, ConversationTrigger } from "@/db/schema";
import { resolveRepositoryAndBranch } from "@/lib/repositories/picker";
import { log } from "@/lib/log";
import { processEnqueuer, type RunEnqueuer } from "./enqueue";
import { appendEventLocked } from "./events";
import { createConversation } from "./queries";

export interface LaunchInput {
  userId: string;
  repository: number | string;
  branch?: string;
  message?: string;
  trigger: Extract<ConversationTrigger, "ui" | "api">;
}

/**
 * Start a conversation from the app or the API: the repository and branch are checked against
 * GitLab with the user's own token first, so a conversation never points at something they cannot
 * see.
 */
export async function launchConversation(db: Database, input: LaunchInput, opts: { enqueue?: RunEnqueuer } = {}): Promise<Conversation> {
  const { project, branch } = await resolveRepositoryAndBranch(db, input.userId, input.repository, input.branch);
  const message = input.message?.trim() ?? "";
  const title = message.split("\n")[0]?.slice(0, 120) || `${project.pathWithNamespace} @ ${branch}`;
  // The row (queued) and the first message are committed together; the job is sent after commit.
  // If sending fails, the conversation is still recoverable: the worker's sweeper enqueues queued
  // conversations that have no job (lib/conversations/sweeper.ts).
  const conversation = await db.transaction(async (tx) => {
    const row = await createConversation(tx, {
      userId: input.userId,
      projectId: project.id,
      projectPath: project.pathWithNamespace,
      branch,
      title,
      trigger: input.trigger,
    });
    if (message) await appendEventLocked(tx, row.id, { kind: "user_message", text: message });
    return row;
  });
  await (opts.enqueue ?? processEnqueuer)(conversation.id).catch((err: unknown) =>
    log.warn("could not enqueue the run; the sweeper will retry", { conversationId: conversation.id, err }),
  );
  return conversation;
}
