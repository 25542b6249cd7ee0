import { and, asc, eq, gt, inArray, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { conversationEvents, conversations } from "@/db/schema";
import { parseStoredPayload, timelineEventSchema, type StoredTimelineEvent, type TimelineEvent } from "./event-types";

/** The NOTIFY channel; the payload is `<conversation id>:<seq>`. */
export const EVENTS_CHANNEL = "conversation_events";

/** A transaction handle is a Database as far as our queries are concerned. */
type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];
export type DbOrTx = Database | Tx;

/**
 * Append one event inside a transaction the caller already holds, with the conversation row locked
 * (`lockConversationRow`). The row lock is what makes `seq` gapless and unique under concurrency:
 * every writer of a conversation's events (the run, status transitions, follow-ups, cancel) takes
 * it first, so `max(seq) + 1` cannot be computed twice. `pg_notify` is transactional: listeners
 * hear about the event only once it is committed, and never about a rolled-back one.
 */
export async function appendEventLocked(tx: DbOrTx, conversationId: string, event: TimelineEvent): Promise<number> {
  const payload = timelineEventSchema.parse(event);
  const [row] = await tx
    .insert(conversationEvents)
    .values({
      conversationId,
      kind: payload.kind,
      payload,
      seq: sql`(select coalesce(max(${conversationEvents.seq}), 0) + 1 from ${conversationEvents} where ${conversationEvents.conversationId} = ${conversationId})`,
    })
    .returning({ seq: conversationEvents.seq });
  if (!row) throw new Error("event insert returned no row");
  await tx.execute(sql`select pg_notify(${EVENTS_CHANNEL}, ${`${conversationId}:${row.seq}`})`);
  return row.seq;
}

/** `SELECT … FOR UPDATE` on the conversation; null when it does not exist. */
export async function lockConversationRow(tx: DbOrTx, conversationId: string) {
  const [row] = await tx.select().from(conversations).where(eq(conversations.id, conversationId)).for("update").limit(1);
  return row ?? null;
}

/** Append an event to a conversation's timeline and wake its listeners. Returns the new seq. */
export async function appendEvent(db: Database, conversationId: string, event: TimelineEvent): Promise<number> {
  return db.transaction(async (tx) => {
    const row = await lockConversationRow(tx, conversationId);
    if (!row) throw new Error(`conversation ${conversationId} does not exist`);
    return appendEventLocked(tx, conversationId, event);
  });
}

/** Events after `afterSeq`, oldest first. Callers must have checked the conversation's owner. */
export async function listEvents(db: Database, conversationId: string, afterSeq = 0, limit = 500): Promise<StoredTimelineEvent[]> {
  const rows = await db
    .select({ seq: conversationEvents.seq, kind: conversationEvents.kind, payload: conversationEvents.payload, createdAt: conversationEvents.createdAt })
    .from(conversationEvents)
    .where(and(eq(conversationEvents.conversationId, conversationId), gt(conversationEvents.seq, afterSeq)))
    .orderBy(asc(conversationEvents.seq))
    .limit(Math.min(Math.max(limit, 1), 1000));
  return rows.map((r) => ({ seq: r.seq, createdAt: r.createdAt.toISOString(), event: parseStoredPayload(r.kind, r.payload) }));
}

/** All events of the given kinds, oldest first (e.g. the user messages and results a prompt is built from). */
export async function listEventsOfKinds(db: Database, conversationId: string, kinds: TimelineEvent["kind"][]): Promise<StoredTimelineEvent[]> {
  const rows = await db
    .select({ seq: conversationEvents.seq, kind: conversationEvents.kind, payload: conversationEvents.payload, createdAt: conversationEvents.createdAt })
    .from(conversationEvents)
    .where(and(eq(conversationEvents.conversationId, conversationId), inArray(conversationEvents.kind, kinds)))
    .orderBy(asc(conversationEvents.seq));
  return rows.map((r) => ({ seq: r.seq, createdAt: r.createdAt.toISOString(), event: parseStoredPayload(r.kind, r.payload) }));
}

/** Whether a user message newer than `afterSeq` exists (a follow-up that arrived during a run). */
export async function hasUserMessageAfter(db: DbOrTx, conversationId: string, afterSeq: number): Promise<boolean> {
  const rows = await db
    .select({ seq: conversationEvents.seq })
    .from(conversationEvents)
    .where(and(eq(conversationEvents.conversationId, conversationId), eq(conversationEvents.kind, "user_message"), gt(conversationEvents.seq, afterSeq)))
    .limit(1);
  return rows.length > 0;
}

export { subscribe } from "./notifications";
