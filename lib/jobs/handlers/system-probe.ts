import { insertSystemProbe, markSystemProbeFinished } from "../queries";
import type { JobHandler } from "../worker";

export const systemProbe: JobHandler<"system.probe"> = async (data, ctx) => {
  const row = await insertSystemProbe(ctx.db, { jobId: ctx.jobId, label: data.label, workerPid: process.pid });
  if (data.sleepMs > 0 && ctx.attempt < data.sleepAttempts) {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, data.sleepMs);
      ctx.signal.addEventListener("abort", () => {
        clearTimeout(timer);
        reject(new Error("probe aborted: worker shutting down"));
      });
    });
  }
  if (row) await markSystemProbeFinished(ctx.db, row.id);
  return { pid: process.pid };
};
