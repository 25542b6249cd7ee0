import type { Database } from "@/db/client";
import type { Conversation, ConversationStatus } from "@/db/schema";
import { hasUserMessageAfter, lockConversationRow } from "./queries";
import { activeStatuses, applyTransition, type TransitionOptions } from "./status";
import type { RunEnqueuer } from "./enqueue";
import { log } from "@/lib/log";

export interface FinalizeInput {
  status: Extract<ConversationStatus, "finished" | "failed" | "cancelled">;
  reason?: string;
  patch: TransitionOptions["patch"];
  /** the newest user message the run's prompt included */
  lastUserSeq: number;
}

/**
 * End a run: the terminal transition, then, in the same transaction, a new run if the user wrote
 * while this one was working. Follow-ups (sendFollowUp) take the same row lock, so a message lands
 * either before this check (and is picked up here) or after the terminal status (and queues its
 * own run): never both, never neither. Returns null when the run was no longer active (the sweeper
 * or a cancel got there first).
 */
export async function finalizeRun(db: Database, conversationId: string, input: FinalizeInput, enqueue: RunEnqueuer): Promise<Conversation | null> {
  const { row, requeue } = await db.transaction(async (tx) => {
    const locked = await lockConversationRow(tx, conversationId);
    if (!locked || !activeStatuses.includes(locked.status)) return { row: null, requeue: false };
    const ended = await applyTransition(tx, locked, input.status, { reason: input.reason, patch: input.patch });
    if (!ended || !(await hasUserMessageAfter(tx, conversationId, input.lastUserSeq))) return { row: ended, requeue: false };
    return { row: await applyTransition(tx, ended, "queued", { reason: "a new message arrived during the run" }), requeue: true };
  });
  // Enqueued after commit: the job must find the row queued. If sending fails the sweeper re-sends.
  if (requeue) await enqueue(conversationId).catch((err: unknown) => log.warn("could not enqueue the follow-up run; the sweeper will", { conversationId, err }));
  return row;
}
