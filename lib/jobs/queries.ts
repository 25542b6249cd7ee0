import { eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { systemProbes } from "@/db/schema";

export type SystemProbe = typeof systemProbes.$inferSelect;

/** Queries on system_probes, the rows the `system.probe` job leaves behind (one per execution). */

export async function insertSystemProbe(db: Database, values: { jobId: string; label: string; workerPid: number }): Promise<SystemProbe | undefined> {
  const [row] = await db.insert(systemProbes).values(values).returning();
  return row;
}

export async function markSystemProbeFinished(db: Database, id: number): Promise<void> {
  await db.update(systemProbes).set({ finishedAt: new Date() }).where(eq(systemProbes.id, id));
}
