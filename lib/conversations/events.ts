import type { Database } from "@/db/client";
import { parseStoredPayload, timelineEventSchema, type StoredTimelineEvent, type TimelineEvent } from "./event-types";
import { insertEventLocked, listEventRows, listEventRowsOfKinds, lockConversationRow, type DbOrTx, type EventRow } from "./queries";

/**
 * Append one event inside a transaction the caller already holds, with the conversation row locked
 * (`lockConversationRow`). The row lock is what makes `seq` gapless and unique under concurrency:
 * every writer of a conversation's events (the run, status transitions, follow-ups, cancel) takes
 * it first, so `max(seq) + 1` cannot be computed twice. `pg_notify` is transactional: listeners
 * hear about the event only once it is committed, and never about a rolled-back one.
 */
export async function appendEventLocked(tx: DbOrTx, conversationId: string, event: TimelineEvent): Promise<number> {
  const payload = timelineEventSchema.parse(event);
  return insertEventLocked(tx, conversationId, payload);
}

/** Append an event to a conversation's timeline and wake its listeners. Returns the new seq. */
export async function appendEvent(db: Database, conversationId: string, event: TimelineEvent): Promise<number> {
  return db.transaction(async (tx) => {
    const row = await lockConversationRow(tx, conversationId);
    if (!row) throw new Error(`conversation ${conversationId} does not exist`);
    return appendEventLocked(tx, conversationId, event);
  });
}

const stored = (r: EventRow): StoredTimelineEvent => ({ seq: r.seq, createdAt: r.createdAt.toISOString(), event: parseStoredPayload(r.kind, r.payload) });

/** Events after `afterSeq`, oldest first. Callers must have checked the conversation's owner. */
export async function listEvents(db: Database, conversationId: string, afterSeq = 0, limit = 500): Promise<StoredTimelineEvent[]> {
  return (await listEventRows(db, conversationId, afterSeq, limit)).map(stored);
}

/** All events of the given kinds, oldest first (e.g. the user messages and results a prompt is built from). */
export async function listEventsOfKinds(db: Database, conversationId: string, kinds: TimelineEvent["kind"][]): Promise<StoredTimelineEvent[]> {
  return (await listEventRowsOfKinds(db, conversationId, kinds)).map(stored);
}

export { subscribe } from "./notifications";
