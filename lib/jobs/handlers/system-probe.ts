import { eq } from "drizzle-orm";
import { systemProbes } from "@/db/schema";
import type { JobHandler } from "../worker";

export const systemProbe: JobHandler<"system.probe"> = async (data, ctx) => {
  const [row] = await ctx.db.insert(systemProbes).values({ jobId: ctx.jobId, label: data.label, workerPid: process.pid }).returning();
  if (data.sleepMs > 0 && ctx.attempt < data.sleepAttempts) {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, data.sleepMs);
      ctx.signal.addEventListener("abort", () => {
        clearTimeout(timer);
        reject(new Error("probe aborted: worker shutting down"));
      });
    });
  }
  if (row) await ctx.db.update(systemProbes).set({ finishedAt: new Date() }).where(eq(systemProbes.id, row.id));
  return { pid: process.pid };
};
