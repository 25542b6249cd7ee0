import type PgBoss from "pg-boss";
import type { Database } from "@/db/client";
import { log } from "@/lib/log";
import { jobDefinitions, type JobData, type JobName } from "./definitions";
import type { JobQueue } from "./queue";

export interface JobContext {
  db: Database;
  jobId: string;
  /** 0 on the first attempt */
  attempt: number;
  /** aborted when the worker shuts down and the grace period is over */
  signal: AbortSignal;
}
export type JobHandler<N extends JobName> = (data: JobData<N>, ctx: JobContext) => Promise<unknown>;
export type HandlerMap = { [N in JobName]: JobHandler<N> };

export interface WorkerOptions {
  pollingIntervalSeconds?: number;
  /** how long a shutdown waits for jobs in hand before aborting them (they are then retried) */
  shutdownGraceMs?: number;
  /** jobs of one queue worked at the same time by this process (default 1); pg-boss 10 runs one fetch loop per work() call */
  concurrency?: Partial<Record<JobName, number>>;
}

export interface RunningWorker {
  stop(): Promise<void>;
  activeJobs(): number;
}

/**
 * Subscribe handlers to their queues. pg-boss fetches with SKIP LOCKED, so any number of workers
 * share the load and each job runs once; a job whose worker dies is retried when its lease
 * (`expireInSeconds`) runs out.
 */
export async function startWorker(queue: JobQueue, db: Database, handlers: HandlerMap, options: WorkerOptions = {}): Promise<RunningWorker> {
  const controller = new AbortController();
  const active = new Set<string>();
  for (const name of Object.keys(handlers) as JobName[]) {
    const handler = handlers[name] as JobHandler<JobName>;
    const schema = jobDefinitions[name].schema;
    const loops = Math.max(1, options.concurrency?.[name] ?? 1);
    for (let loop = 0; loop < loops; loop++) {
      await queue.boss.work<object>(
        name,
        { batchSize: 1, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 0.5, includeMetadata: true },
        async (jobs: PgBoss.JobWithMetadata<object>[]) => {
          for (const job of jobs) {
            active.add(job.id);
            const started = Date.now();
            try {
              const data = schema.parse(job.data);
              const result = await handler(data, { db, jobId: job.id, attempt: job.retryCount, signal: controller.signal });
              log.info("job done", { job: name, id: job.id, ms: Date.now() - started });
              return result;
            } catch (err) {
              log.warn("job failed", { job: name, id: job.id, attempt: job.retryCount, err });
              throw err;
            } finally {
              active.delete(job.id);
            }
          }
        },
      );
    }
  }
  return {
    activeJobs: () => active.size,
    async stop() {
      // Stop fetching, give jobs in hand the grace period, then abort them so they fail and retry
      // elsewhere instead of waiting for their lease to expire.
      const grace = options.shutdownGraceMs ?? 20_000;
      const abortTimer = setTimeout(() => controller.abort(), grace);
      try {
        for (const name of Object.keys(handlers)) await queue.boss.offWork(name);
        const deadline = Date.now() + grace + 5_000;
        while (active.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      } finally {
        clearTimeout(abortTimer);
      }
    },
  };
}
