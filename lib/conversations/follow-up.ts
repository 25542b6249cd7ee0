import { z } from "zod";
import type { Database } from "@/db/client";
import type { Conversation } from "@/db/schema";
import { AppError } from "@/lib/http/app-error";
import { log } from "@/lib/log";
import { processEnqueuer, type RunEnqueuer } from "./enqueue";
import { appendEventLocked } from "./events";
import { isUuid, lockConversationRow } from "./queries";
import { applyTransition, isTerminal } from "./status";

export const followUpMessageSchema = z.string().trim().min(1, "Write a message").max(20_000, "Keep the message under 20,000 characters");

export interface FollowUpResult {
  conversation: Conversation;
  /** true when a new run was queued; false when the message waits for the run in progress */
  queuedRun: boolean;
}

/**
 * A message from the user in an existing conversation. The command-line agents take their task
 * as a prompt and cannot be talked to mid-run, so:
 * - finished/failed/cancelled: the conversation goes back to `queued` and a new run starts, with the
 *   whole history in its prompt (its work continues from the unpushed changes or the pushed branch);
 * - queued: the coming run will include it;
 * - starting/running: it is stored now and the run, when it ends, starts another run for it
 *   (see finalize.ts; both sides take the conversation's row lock, so it is handled exactly once).
 */
export async function sendFollowUp(
  db: Database,
  input: { conversationId: string; userId: string; message: string },
  enqueue: RunEnqueuer = processEnqueuer,
): Promise<FollowUpResult> {
  const text = followUpMessageSchema.parse(input.message);
  if (!isUuid(input.conversationId)) throw notFound();
  const result = await db.transaction(async (tx) => {
    const row = await lockConversationRow(tx, input.conversationId);
    if (!row || row.userId !== input.userId) return null;
    await appendEventLocked(tx, row.id, { kind: "user_message", text });
    if (!isTerminal(row.status)) return { conversation: row, queuedRun: false };
    const queued = await applyTransition(tx, row, "queued", { reason: "a new message" });
    return { conversation: queued ?? row, queuedRun: queued !== null };
  });
  if (!result) throw notFound();
  if (result.queuedRun) {
    await enqueue(result.conversation.id).catch((err: unknown) => log.warn("could not enqueue the run; the sweeper will retry", { conversationId: result.conversation.id, err }));
  }
  return result;
}

const notFound = () => new AppError("conversation_not_found", 404, "This conversation does not exist.");
