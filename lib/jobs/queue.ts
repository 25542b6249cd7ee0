import PgBoss from "pg-boss";
import type { DbHandle } from "@/db/client";
import { log } from "@/lib/log";
import { pgliteExecutor } from "./pglite-adapter";
import { jobDefinitions, jobNames, scheduledJobs, type JobInput, type JobName } from "./definitions";

export interface QueueOptions {
  maintenanceIntervalSeconds?: number;
  pollingIntervalSeconds?: number;
}

export interface JobQueue {
  boss: PgBoss;
  send<N extends JobName>(name: N, input: JobInput<N>, options?: PgBoss.SendOptions): Promise<string>;
  stop(options?: PgBoss.StopOptions): Promise<void>;
}

/**
 * pg-boss on the app's own database: PGlite through an executeSql adapter, or Postgres through its
 * own small pool. Queues are created up front (pg-boss 10 requires it) with each job's policy.
 */
export async function startQueue(handle: DbHandle, options: QueueOptions = {}): Promise<JobQueue> {
  const scheduled = scheduledJobs();
  const common: PgBoss.ConstructorOptions = {
    schema: "pgboss",
    maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 30,
    // pg-boss's cron (and its clock monitor) runs only when some job has a schedule (hooks.sweep).
    schedule: scheduled.length > 0,
  };
  const boss =
    handle.kind === "pglite"
      ? new PgBoss({ ...common, db: pgliteExecutor(handle.pglite) })
      : new PgBoss({ ...common, connectionString: handle.url, max: 4, application_name: "gitlab-agent-queue" });
  boss.on("error", (err: Error) => log.error("queue error", { err }));
  await boss.start();
  for (const name of jobNames) {
    const existing = await boss.getQueue(name);
    if (!existing) await boss.createQueue(name, { name, ...jobDefinitions[name].queue });
  }
  // Upserts: every process registers the same schedules; pg-boss sends each tick once in total.
  for (const { name, cron } of scheduled) await boss.schedule(name, cron, {}, { tz: "UTC" });
  return {
    boss,
    async send(name, input, sendOptions) {
      const data = jobDefinitions[name].schema.parse(input);
      const id = await boss.send(name, data as object, sendOptions ?? {});
      if (!id) throw new Error(`queue refused job ${name}`);
      return id;
    },
    stop: (stopOptions) => boss.stop({ graceful: true, wait: true, timeout: 30_000, ...stopOptions }),
  };
}
