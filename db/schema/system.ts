import { bigserial, index, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * One row per execution of the `system.probe` job. The probe proves the queue end to end (health
 * checks, multi-worker tests): a job executed twice would show up here as two rows.
 */
export const systemProbes = pgTable(
  "system_probes",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    jobId: text("job_id").notNull(),
    label: text("label").notNull().default(""),
    workerPid: integer("worker_pid").notNull(),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [index("system_probes_job_idx").on(t.jobId)],
);
