import type { Database } from "@/db/client";
import type { Conversation } from "@/db/schema";
import { AppError } from "@/lib/http/app-error";
import type { OAuthConfigSource } from "@/lib/gitlab/tokens";
import { abortLifecycle } from "./abort-lifecycle";
import { appendEventLocked } from "./events";
import { isUuid, lockConversationRow, markCancelRequested } from "./queries";
import type { RunLifecycles } from "./run-lifecycle";
import { applyTransition, isTerminal } from "./status";

/**
 * Cancel a conversation of this user.
 * - queued: cancelled at once (the job, when it comes, finds nothing to claim);
 * - starting/running: a cancel request; the run polls for it and kills the agent's process group
 *   (within about a second), then ends `cancelled`;
 * - already ended: 409.
 * `lifecycles` (lib/resolver/run-lifecycle) post the final comment of a GitLab-triggered one.
 */
export async function cancelConversation(
  db: Database,
  input: { id: string; userId: string },
  opts: { lifecycles: RunLifecycles; oauth?: OAuthConfigSource },
): Promise<Conversation> {
  if (!isUuid(input.id)) throw notFound();
  const row = await db.transaction(async (tx) => {
    const locked = await lockConversationRow(tx, input.id);
    if (!locked || locked.userId !== input.userId) throw notFound();
    if (isTerminal(locked.status)) throw new AppError("conversation_ended", 409, `This conversation has already ${locked.status === "finished" ? "finished" : locked.status === "failed" ? "failed" : "been cancelled"}.`);
    if (locked.status === "queued") return applyTransition(tx, locked, "cancelled", { reason: "cancelled before it started", patch: { outcome: "cancelled" } });
    if (locked.cancelRequestedAt) return locked;
    const updated = await markCancelRequested(tx, locked.id);
    await appendEventLocked(tx, locked.id, { kind: "status", text: "Cancelling…" });
    return updated ?? locked;
  });
  if (!row) throw notFound();
  if (row.status === "cancelled") {
    // Cancelled before a worker took it: GitLab-triggered runs still owe their thread a final word.
    await abortLifecycle(db, row, "cancelled", opts);
  }
  return row;
}

const notFound = () => new AppError("conversation_not_found", 404, "This conversation does not exist.");
