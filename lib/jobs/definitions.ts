import { z } from "zod";
import type PgBoss from "pg-boss";

/**
 * Every job the app knows, with its payload schema and queue policy. Payloads are validated when
 * sent and again when worked, because a job can outlive the code that enqueued it.
 */
export const jobDefinitions = {
  /** Proves the queue end to end: health checks and multi-worker tests. */
  "system.probe": {
    schema: z.object({
      label: z.string().max(200).default(""),
      sleepMs: z.number().int().min(0).max(600_000).default(0),
      /** only the first N attempts sleep, so a retried probe can finish quickly */
      sleepAttempts: z.number().int().min(0).default(1_000),
    }),
    queue: { retryLimit: 3, retryDelay: 1, expireInSeconds: 60 } satisfies Omit<PgBoss.Queue, "name">,
  },
} as const;

export type JobName = keyof typeof jobDefinitions;
export type JobInput<N extends JobName> = z.input<(typeof jobDefinitions)[N]["schema"]>;
export type JobData<N extends JobName> = z.output<(typeof jobDefinitions)[N]["schema"]>;
export const jobNames = Object.keys(jobDefinitions) as JobName[];
