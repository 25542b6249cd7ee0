import type { Database } from "@/db/client";
import type { Conversation, ConversationStatus } from "@/db/schema";
import { appendEventLocked } from "./events";
import { lockConversationRow, updateConversationStatus, type DbOrTx, type StatusPatch } from "./queries";

/**
 * The conversation state machine, in one place:
 *
 *   queued → starting → running → finished | failed | cancelled
 *
 * plus the shortcuts a run can take (queued → cancelled when cancelled before a worker took it,
 * queued/starting → failed when it cannot start), and back to `queued` from a terminal state only
 * for a follow-up message, which starts a new run in the same conversation.
 */
const allowed: Record<ConversationStatus, readonly ConversationStatus[]> = {
  queued: ["starting", "cancelled", "failed"],
  starting: ["running", "failed", "cancelled"],
  running: ["finished", "failed", "cancelled"],
  finished: ["queued"],
  failed: ["queued"],
  cancelled: ["queued"],
};

export const terminalStatuses: readonly ConversationStatus[] = ["finished", "failed", "cancelled"];
export const activeStatuses: readonly ConversationStatus[] = ["starting", "running"];

export function isTerminal(status: ConversationStatus): boolean {
  return terminalStatuses.includes(status);
}

export function canTransition(from: ConversationStatus, to: ConversationStatus): boolean {
  return allowed[from].includes(to);
}

export class InvalidTransitionError extends Error {
  override name = "InvalidTransitionError";
  constructor(
    readonly from: ConversationStatus,
    readonly to: ConversationStatus,
  ) {
    super(`a conversation cannot go from ${from} to ${to}`);
  }
}

export interface TransitionOptions {
  /** only transition from one of these; otherwise nothing happens and null is returned (claims) */
  from?: readonly ConversationStatus[];
  /** shown in the status event, e.g. "timed out after 1800 s" */
  reason?: string;
  patch?: StatusPatch;
}

const label: Record<ConversationStatus, string> = {
  queued: "Queued",
  starting: "Starting",
  running: "Running",
  finished: "Finished",
  failed: "Failed",
  cancelled: "Cancelled",
};

/**
 * Apply a transition to a row the caller has locked (see lockConversationRow), with its timestamps,
 * and append the matching `status` event in the same transaction.
 */
export async function applyTransition(tx: DbOrTx, row: Conversation, to: ConversationStatus, opts: TransitionOptions = {}): Promise<Conversation | null> {
  if (opts.from && !opts.from.includes(row.status)) return null;
  if (!canTransition(row.status, to)) throw new InvalidTransitionError(row.status, to);
  // Starting stamps started_at and the first heartbeat; queued (a new run) clears the last run's
  // result from the row (it stays in the timeline); an end stamps finished_at.
  const stamps = to === "starting" ? "started" : to === "queued" ? "requeued" : isTerminal(to) ? "ended" : "none";
  const updated = await updateConversationStatus(tx, row.id, to, stamps, opts.patch);
  if (!updated) return null;
  const text = opts.reason ? `${label[to]}: ${opts.reason}` : label[to];
  await appendEventLocked(tx, row.id, { kind: "status", text, status: to, ...(opts.reason ? { reason: opts.reason } : {}) });
  return updated;
}

/**
 * Move a conversation to `to`. Returns the updated row, or null when it does not exist or is not in
 * `opts.from`. Throws InvalidTransitionError for a transition the state machine forbids.
 */
export async function transitionStatus(db: Database, conversationId: string, to: ConversationStatus, opts: TransitionOptions = {}): Promise<Conversation | null> {
  return db.transaction(async (tx) => {
    const row = await lockConversationRow(tx, conversationId);
    if (!row) return null;
    return applyTransition(tx, row, to, opts);
  });
}
