import { eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { systemProbes } from "@/db/schema";
import type { SystemProbe } from "../queries";

/** Test-only reads of system_probes: a job executed twice shows up as two rows. */

export async function systemProbesOfJob(db: Database, jobId: string): Promise<SystemProbe[]> {
  return db.select().from(systemProbes).where(eq(systemProbes.jobId, jobId));
}

export async function listSystemProbes(db: Database): Promise<SystemProbe[]> {
  return db.select().from(systemProbes);
}
