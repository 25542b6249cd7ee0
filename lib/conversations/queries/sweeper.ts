import { and, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { conversations } from "@/db/schema";
import type { DbOrTx } from "./conversations";

/**
 * What the sweeper looks for (sweeper.ts): runs whose worker stopped sending heartbeats, and queued
 * conversations without a job. Across all users by design: it repairs the worker's own state. Times
 * are compared on the database clock, the clock heartbeats are written with.
 */

/** starting/running with no heartbeat, or one older than `staleAfterMs`. */
function staleRun(staleAfterMs: number) {
  const staleBefore = sql`now() - make_interval(secs => ${staleAfterMs / 1000})`;
  return and(inArray(conversations.status, ["starting", "running"]), or(isNull(conversations.heartbeatAt), lt(conversations.heartbeatAt, staleBefore)));
}

/** Up to 100 runs that look abandoned. */
export async function listStaleRuns(db: Database, staleAfterMs: number): Promise<{ id: string }[]> {
  return db.select({ id: conversations.id }).from(conversations).where(staleRun(staleAfterMs)).limit(100);
}

/** The re-check under the row lock: is this run still stale? */
export async function isRunStillStale(tx: DbOrTx, conversationId: string, staleAfterMs: number): Promise<boolean> {
  const [still] = await tx.select({ id: conversations.id }).from(conversations).where(and(eq(conversations.id, conversationId), staleRun(staleAfterMs)));
  return still !== undefined;
}

/** Until the queue has started once, its schema does not exist and no job can be missing. */
export async function jobQueueExists(db: Database): Promise<boolean> {
  const [queue] = rowsOf<{ ok: boolean }>(await db.execute(sql`select to_regclass('pgboss.job') is not null as ok`));
  return Boolean(queue?.ok);
}

/** Up to 100 conversations queued for longer than `requeueAfterMs` with no waiting or working agent.run job. */
export async function listQueuedWithoutJob(db: Database, requeueAfterMs: number): Promise<{ id: string }[]> {
  const requeueBefore = sql`now() - make_interval(secs => ${requeueAfterMs / 1000})`;
  // pg-boss's own table tells whether a run is already waiting or working for the conversation.
  return db
    .select({ id: conversations.id })
    .from(conversations)
    .where(
      and(
        eq(conversations.status, "queued"),
        lt(conversations.updatedAt, requeueBefore),
        sql`not exists (select 1 from pgboss.job j where j.name = 'agent.run' and j.data->>'conversationId' = ${conversations.id}::text and j.state in ('created', 'retry', 'active'))`,
      ),
    )
    .limit(100);
}

/** drizzle's execute() returns rows directly on postgres.js and as `{ rows }` on PGlite. */
function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : ((result as { rows?: T[] }).rows ?? [])) as T[];
}
