import { and, asc, eq, gt, inArray, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { conversationEvents, type ConversationEvent } from "@/db/schema";
import type { TimelineEvent } from "../event-types";
import type { DbOrTx } from "./conversations";

/**
 * A conversation's timeline rows. Validating and parsing the payloads is events.ts's job; these only
 * read and write rows. None is scoped by owner: callers have checked the conversation's owner (the
 * pages and the API) or act for it (the run, the resolver).
 */

/** The NOTIFY channel; the payload is `<conversation id>:<seq>`. */
export const EVENTS_CHANNEL = "conversation_events";

export type EventRow = Pick<ConversationEvent, "seq" | "kind" | "payload" | "createdAt">;

/**
 * Insert one already-validated event with the next `seq` and NOTIFY it. The caller holds the
 * conversation's row lock (lockConversationRow): that lock is what makes `max(seq) + 1` safe.
 * `pg_notify` is transactional, so listeners hear only of committed events.
 */
export async function insertEventLocked(tx: DbOrTx, conversationId: string, payload: TimelineEvent): Promise<number> {
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

/**
 * `seq` is a 4-byte integer. A larger `afterSeq` ("after everything": a run that failed before building
 * its prompt passes Number.MAX_SAFE_INTEGER; a client may send any `after` or Last-Event-ID) would make
 * Postgres reject the statement as out of range; nothing can come after the largest int4, so the queries
 * below answer without asking.
 */
const INT4_MAX = 2_147_483_647;

/** Rows after `afterSeq`, oldest first, at most `limit` (clamped to 1…1000). */
export async function listEventRows(db: Database, conversationId: string, afterSeq: number, limit: number): Promise<EventRow[]> {
  if (afterSeq >= INT4_MAX) return [];
  return db
    .select({ seq: conversationEvents.seq, kind: conversationEvents.kind, payload: conversationEvents.payload, createdAt: conversationEvents.createdAt })
    .from(conversationEvents)
    .where(and(eq(conversationEvents.conversationId, conversationId), gt(conversationEvents.seq, afterSeq)))
    .orderBy(asc(conversationEvents.seq))
    .limit(Math.min(Math.max(limit, 1), 1000));
}

/** All rows of the given kinds, oldest first. */
export async function listEventRowsOfKinds(db: Database, conversationId: string, kinds: TimelineEvent["kind"][]): Promise<EventRow[]> {
  return db
    .select({ seq: conversationEvents.seq, kind: conversationEvents.kind, payload: conversationEvents.payload, createdAt: conversationEvents.createdAt })
    .from(conversationEvents)
    .where(and(eq(conversationEvents.conversationId, conversationId), inArray(conversationEvents.kind, kinds)))
    .orderBy(asc(conversationEvents.seq));
}

/** Whether a user message newer than `afterSeq` exists (a follow-up that arrived during a run). */
export async function hasUserMessageAfter(db: DbOrTx, conversationId: string, afterSeq: number): Promise<boolean> {
  // an out-of-range seq would fail the statement and roll back the run's failed status with it
  if (afterSeq >= INT4_MAX) return false;
  const rows = await db
    .select({ seq: conversationEvents.seq })
    .from(conversationEvents)
    .where(and(eq(conversationEvents.conversationId, conversationId), eq(conversationEvents.kind, "user_message"), gt(conversationEvents.seq, afterSeq)))
    .limit(1);
  return rows.length > 0;
}

/** The user messages of several conversations, by conversation then oldest first (one query for a list page). */
export async function listUserMessagePayloads(db: Database, conversationIds: string[]): Promise<{ conversationId: string; payload: unknown }[]> {
  return db
    .select({ conversationId: conversationEvents.conversationId, payload: conversationEvents.payload })
    .from(conversationEvents)
    .where(and(inArray(conversationEvents.conversationId, conversationIds), eq(conversationEvents.kind, "user_message")))
    .orderBy(asc(conversationEvents.conversationId), asc(conversationEvents.seq));
}
