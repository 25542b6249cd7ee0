import type PgBoss from "pg-boss";
import type { Database } from "@/db/client";
import { log } from "@/lib/log";
import { jobDefinitions, type JobData, type JobName } from "./definitions";
import type { JobQueue } from "./queue";

export interface JobContext {
  db: Database;
  /** the queue this job came from, for handlers that queue further jobs */
  queue: JobQueue;
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
  /**
   * Fetch and work jobs of `name` now instead of at the next poll: called when a delivery was just
   * recorded (lib/jobs/delivery-wakeup.ts). Bounded per queue; surplus wake-ups are folded into one
   * more fetch, and the poll loops keep running as before, so a missed wake-up only costs the poll.
   */
  wake(name: JobName): void;
}

/**
 * Subscribe handlers to their queues. pg-boss fetches with SKIP LOCKED, so any number of workers
 * share the load and each job runs once; a job whose worker dies is retried when its lease
 * (`expireInSeconds`) runs out.
 */
export async function startWorker(queue: JobQueue, db: Database, handlers: HandlerMap, options: WorkerOptions = {}): Promise<RunningWorker> {
  const controller = new AbortController();
  const active = new Set<string>();
  let stopping = false;
  const execute = async (name: JobName, job: PgBoss.JobWithMetadata<object>): Promise<unknown> => {
    const handler = handlers[name] as JobHandler<JobName>;
    active.add(job.id);
    const started = Date.now();
    try {
      const data = jobDefinitions[name].schema.parse(job.data);
      const result = await handler(data, { db, queue, jobId: job.id, attempt: job.retryCount, signal: controller.signal });
      log.info("job done", { job: name, id: job.id, ms: Date.now() - started });
      return result;
    } catch (err) {
      log.warn("job failed", { job: name, id: job.id, attempt: job.retryCount, err });
      throw err;
    } finally {
      active.delete(job.id);
    }
  };
  for (const name of Object.keys(handlers) as JobName[]) {
    const loops = Math.max(1, options.concurrency?.[name] ?? 1);
    for (let loop = 0; loop < loops; loop++) {
      await queue.boss.work<object>(
        name,
        { batchSize: 1, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 0.5, includeMetadata: true },
        async (jobs: PgBoss.JobWithMetadata<object>[]) => {
          for (const job of jobs) return execute(name, job);
        },
      );
    }
  }

  // Wake-ups: fetch → work → complete/fail, the same steps pg-boss's loop takes, with the same
  // SKIP LOCKED fetch, so a job is still worked once whichever path (or worker) takes it.
  const waking = new Map<JobName, number>();
  const again = new Set<JobName>();
  const wake = (name: JobName): void => {
    if (stopping || !(name in handlers)) return;
    const limit = Math.max(1, options.concurrency?.[name] ?? 1);
    if ((waking.get(name) ?? 0) >= limit) {
      again.add(name);
      return;
    }
    waking.set(name, (waking.get(name) ?? 0) + 1);
    void (async () => {
      let worked = false;
      try {
        const [job] = await queue.boss.fetch<object>(name, { batchSize: 1, includeMetadata: true });
        if (!job) return;
        worked = true;
        try {
          const result = await execute(name, job);
          await queue.boss.complete(name, job.id, typeof result === "object" && result !== null ? result : {});
        } catch (err) {
          await queue.boss.fail(name, job.id, { message: err instanceof Error ? err.message : String(err) });
        }
      } catch (err) {
        log.warn("woken fetch failed; the poll will pick the job up", { job: name, err });
      } finally {
        waking.set(name, (waking.get(name) ?? 1) - 1);
        // Drain: a burst of deliveries queued more jobs than this wake-up took.
        if (worked || again.delete(name)) wake(name);
      }
    })();
  };

  return {
    activeJobs: () => active.size,
    wake,
    async stop() {
      stopping = true;
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
