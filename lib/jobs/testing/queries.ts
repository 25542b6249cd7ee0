import { eq, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { systemProbes } from "@/db/schema";
import type { SystemProbe } from "../queries";

/** Test-only reads of system_probes (a job executed twice shows up as two rows) and of pg-boss's job table. */

export async function systemProbesOfJob(db: Database, jobId: string): Promise<SystemProbe[]> {
  return db.select().from(systemProbes).where(eq(systemProbes.jobId, jobId));
}

export async function listSystemProbes(db: Database): Promise<SystemProbe[]> {
  return db.select().from(systemProbes);
}

/** Jobs of one queue waiting or done in pg-boss's table. */
export async function countJobs(db: Database, name: string): Promise<number> {
  const rows = await db.execute<{ n: number }>(sql`select count(*)::int as n from pgboss.job where name = ${name}`);
  const list = Array.isArray(rows) ? rows : (rows as { rows: { n: number }[] }).rows;
  return Number(list[0]?.n ?? 0);
}

/** The policy columns of a queue's jobs, oldest first, to compare a job we built with one pg-boss built. */
export async function jobPolicies(db: Database, name: string): Promise<Record<string, unknown>[]> {
  const rows = await db.execute<Record<string, unknown>>(
    sql`select retry_limit, retry_delay, retry_backoff, expire_in::text as expire_in, policy, dead_letter, state::text as state, priority,
          date_trunc('minute', keep_until - created_on)::text as keep, singleton_key from pgboss.job where name = ${name} order by created_on`,
  );
  return Array.isArray(rows) ? rows : (rows as { rows: Record<string, unknown>[] }).rows;
}

export async function deleteAllJobs(db: Database): Promise<void> {
  await db.execute(sql`delete from pgboss.job`);
}
