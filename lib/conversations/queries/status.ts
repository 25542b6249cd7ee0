import { and, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { conversations, type Conversation, type ConversationStatus } from "@/db/schema";
import type { DbOrTx } from "./conversations";

/**
 * The writes and reads of a conversation's run state. The state machine itself (which transitions
 * are allowed, the status events) is status.ts; these address a row by id, for callers that hold its
 * lock or act for its owner (the run, the worker, the resolver, cancel after its owner check).
 */

export type StatusPatch = Partial<Pick<Conversation, "outcome" | "summary" | "error" | "runtime" | "pushedBranch" | "mergeRequestUrl" | "workBranch">>;

/** Which timestamps a transition sets: a run starts, a new run is queued, a run ends, or none. */
export type StatusStamps = "started" | "requeued" | "ended" | "none";

/** Set the status, its timestamps (on the database clock) and `patch`; the updated row, or null. */
export async function updateConversationStatus(tx: DbOrTx, conversationId: string, to: ConversationStatus, stamps: StatusStamps, patch: StatusPatch = {}): Promise<Conversation | null> {
  const now = sql`now()`;
  const times =
    stamps === "started"
      ? { startedAt: now, heartbeatAt: now, finishedAt: null }
      : stamps === "requeued"
        ? // a new run: the previous run's result stays in the timeline, not on the row
          { finishedAt: null, heartbeatAt: null, cancelRequestedAt: null, outcome: null, summary: null, error: null }
        : stamps === "ended"
          ? { finishedAt: now, heartbeatAt: null }
          : {};
  const [updated] = await tx
    .update(conversations)
    .set({ status: to, ...times, ...patch, updatedAt: now })
    .where(sql`${conversations.id} = ${conversationId}`)
    .returning();
  return updated ?? null;
}

/** Mark a cancel request (the run polls for it); the updated row, or null. */
export async function markCancelRequested(tx: DbOrTx, conversationId: string): Promise<Conversation | null> {
  const [updated] = await tx.update(conversations).set({ cancelRequestedAt: sql`now()`, updatedAt: sql`now()` }).where(sql`${conversations.id} = ${conversationId}`).returning();
  return updated ?? null;
}

/** The run's heartbeat, on the database clock; false when the row is no longer starting/running. */
export async function beatHeartbeat(db: Database, conversationId: string): Promise<boolean> {
  const live = and(eq(conversations.id, conversationId), inArray(conversations.status, ["starting", "running"]));
  const rows = await db.update(conversations).set({ heartbeatAt: sql`now()` }).where(live).returning({ id: conversations.id });
  return rows.length > 0;
}

/** What a running run watches: its status and whether a cancel was requested; null when the row is gone. */
export async function getRunState(db: Database, conversationId: string): Promise<Pick<Conversation, "status" | "cancelRequestedAt"> | null> {
  const [row] = await db.select({ status: conversations.status, cancelRequestedAt: conversations.cancelRequestedAt }).from(conversations).where(eq(conversations.id, conversationId)).limit(1);
  return row ?? null;
}

/** The status alone, for the event stream (its caller checked the owner); null when the row is gone. */
export async function getConversationStatus(db: Database, conversationId: string): Promise<Pick<Conversation, "status"> | null> {
  const [row] = await db.select({ status: conversations.status }).from(conversations).where(eq(conversations.id, conversationId)).limit(1);
  return row ?? null;
}
