import { sql } from "drizzle-orm";
import type { Database } from "./client";

/**
 * Postgres transaction-scoped advisory locks. Both must run inside a transaction (pass its `tx`):
 * the lock is released when that transaction ends, or with the connection if the process dies.
 * Keys are signed 64-bit integers, as decimal strings.
 */

/** Takes the lock if it is free; false when another transaction holds it. Never waits. */
export async function tryAdvisoryXactLock(tx: Database, key: string): Promise<boolean> {
  const rows = (await tx.execute(sql`select pg_try_advisory_xact_lock(${key}::bigint) as locked`)) as unknown as { locked: boolean }[];
  return Boolean(rows[0]?.locked);
}

/** Waits for the lock, at most `timeoutSeconds` (then Postgres fails the statement: lock_timeout). */
export async function advisoryXactLock(tx: Database, key: string, timeoutSeconds: number): Promise<void> {
  // SET takes no bind parameters, so the value is spelled out; a whole number of seconds keeps it a literal.
  const seconds = Math.max(1, Math.trunc(timeoutSeconds));
  await tx.execute(sql.raw(`set local lock_timeout = '${seconds}s'`));
  await tx.execute(sql`select pg_advisory_xact_lock(${key}::bigint)`);
}
