import { getDb } from "@/db";
import { getEnv } from "@/lib/env";
import { startQueue, type JobQueue } from "./queue";

/**
 * The process-wide queue, for sending jobs. Every module that queues work (the webhook receiver, a
 * launch, a sign-in's webhook sync) reaches the queue here; none of them needs the job handlers, so
 * this module imports none: only the worker's composition root (worker-root.ts) does.
 *
 * Like the database handle, the queue lives on globalThis because Next can evaluate this module in
 * more than one bundle of the same process.
 */
const queueKey = Symbol.for("gitlab-agent.queue");
type G = typeof globalThis & { [queueKey]?: Promise<JobQueue> };

export function getQueue(): Promise<JobQueue> {
  const g = globalThis as G;
  if (!g[queueKey]) {
    const env = getEnv();
    g[queueKey] = getDb()
      .then((handle) => startQueue(handle, { maintenanceIntervalSeconds: env.JOBS_MAINTENANCE_INTERVAL_SECONDS }))
      .catch((err: unknown) => {
        delete g[queueKey];
        throw err;
      });
  }
  return g[queueKey];
}

/** The queue if this process started it (undefined when it never did or could not), for shutting down. */
export async function startedQueue(): Promise<JobQueue | undefined> {
  const g = globalThis as G;
  return g[queueKey]?.catch(() => undefined);
}
