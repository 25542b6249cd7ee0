import type { Database } from "@/db/client";
import type { Conversation, ConversationTrigger } from "@/db/schema";
import { resolveRepositoryAndBranch } from "@/lib/repositories/picker";
import { AppError } from "@/lib/http/app-error";
import { log } from "@/lib/log";
import { processEnqueuer, type RunEnqueuer } from "./enqueue";
import { appendEventLocked } from "./events";
import { createConversation } from "./queries";

export const TASK_REQUIRED = "Write what the agent should do: a launch without a task would run the agent for nothing.";
export const MAX_TASK_CHARS = 20_000;

export interface LaunchInput {
  userId: string;
  repository: number | string;
  branch?: string;
  message?: string;
  trigger: Extract<ConversationTrigger, "ui" | "api">;
  /** push and open a merge request when the run resolves (Cloud API `openMergeRequest`) */
  openMergeRequest?: boolean;
}

/**
 * Start a conversation from the app or the API: the repository and branch are checked against
 * GitLab with the user's own token first, so a conversation never points at something they cannot
 * see.
 */
export async function launchConversation(db: Database, input: LaunchInput, opts: { enqueue?: RunEnqueuer } = {}): Promise<Conversation> {
  // Refused before GitLab is asked anything: an empty task never starts a run (issue 17).
  const message = input.message?.trim() ?? "";
  if (message === "") throw new AppError("task_required", 422, TASK_REQUIRED);
  const { project, branch } = await resolveRepositoryAndBranch(db, input.userId, input.repository, input.branch);
  const title = titleOf(message) || `${project.pathWithNamespace} @ ${branch}`;
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
      openMergeRequest: input.openMergeRequest ?? false,
    });
    await appendEventLocked(tx, row.id, { kind: "user_message", text: message });
    return row;
  });
  await (opts.enqueue ?? processEnqueuer)(conversation.id).catch((err: unknown) =>
    log.warn("could not enqueue the run; the sweeper will retry", { conversationId: conversation.id, err }),
  );
  return conversation;
}

const TITLE_CHARS = 120;

/** The task's first line, cut at a word with an ellipsis when longer (the full text is the first message). */
export function titleOf(message: string): string {
  const line = message.split("\n").find((l) => l.trim() !== "")?.trim() ?? "";
  if (line.length <= TITLE_CHARS) return line;
  const cut = line.slice(0, TITLE_CHARS - 1);
  return `${cut.slice(0, cut.lastIndexOf(" ") > 60 ? cut.lastIndexOf(" ") : cut.length)}…`;
}
