import { z } from "zod";
import type PgBoss from "pg-boss";
import { getEnv } from "@/lib/env";
import { cronForMinutes } from "@/lib/webhook-installations/settings";

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
  /**
   * One agent run of a conversation (lib/conversations/run.ts). Never retried by the queue: a run
   * has side effects (events, commits, pushes), and a worker that dies mid-run leaves the
   * conversation to the sweeper, which marks it failed ("interrupted"). The lease is set per job
   * to AGENT_TIMEOUT + a margin (lib/conversations/enqueue.ts); this default covers the maximum.
   */
  "agent.run": {
    schema: z.object({ conversationId: z.uuid() }),
    queue: { retryLimit: 0, expireInSeconds: 6 * 3600 + 900 } satisfies Omit<PgBoss.Queue, "name">,
  },
  /**
   * One recorded webhook delivery: decide, check permissions, acknowledge on GitLab, start or
   * continue a run (lib/resolver/process-delivery.ts). Every step is idempotent, so retries are
   * safe; GitLab outages and rate limits are ridden out with backoff (5 retries, 2 s doubling).
   */
  "webhook.process": {
    schema: z.object({ deliveryId: z.uuid() }),
    queue: { retryLimit: 5, retryDelay: 2, retryBackoff: true, expireInSeconds: 300 } satisfies Omit<PgBoss.Queue, "name">,
  },
  /**
   * Installs, adopts and repairs one user's webhooks (lib/webhook-installations/sync.ts): on every sign-in and from
   * the periodic sweep. "stately" with `singletonKey: userId` keeps at most one sync per user queued
   * and one running across all workers; the install itself is idempotent under per-resource locks.
   */
  "hooks.sync": {
    schema: z.object({ userId: z.uuid(), reason: z.enum(["sign_in", "schedule", "manual"]).default("manual") }),
    queue: { policy: "stately", retryLimit: 2, retryDelay: 30, retryBackoff: true, expireInSeconds: 1800 } satisfies Omit<PgBoss.Queue, "name">,
  },
  /** Every HOOKS_SYNC_INTERVAL_MINUTES (pg-boss cron): queues `hooks.sync` for every connected user. */
  "hooks.sweep": {
    schema: z.object({}).loose(),
    queue: { retryLimit: 1, retryDelay: 60, expireInSeconds: 600 } satisfies Omit<PgBoss.Queue, "name">,
    cron: () => cronForMinutes(getEnv().HOOKS_SYNC_INTERVAL_MINUTES),
  },
  /**
   * Daily at 03:17 UTC (issue 13): deletes webhook deliveries older than WEBHOOK_RETENTION_DAYS.
   * `retentionDays` overrides the setting for one run (tests, a manual purge).
   */
  "webhooks.retention": {
    schema: z.object({ retentionDays: z.number().int().min(1).max(3650).optional() }).loose(),
    queue: { retryLimit: 2, retryDelay: 300, expireInSeconds: 900 } satisfies Omit<PgBoss.Queue, "name">,
    cron: () => "17 3 * * *",
  },
  /**
   * Recovers what GitLab could not deliver, for every installed hook (lib/webhook-installations/recovery.ts): on
   * every worker start, every HOOKS_RECOVERY_INTERVAL_MINUTES, and when the database comes back.
   * "stately" with one singleton key: one pass queued and one running at a time. A pass that could
   * not reach GitLab is retried with backoff, so it also runs when GitLab comes back.
   */
  "hooks.recover": {
    schema: z.object({ reason: z.enum(["startup", "schedule", "reconnect", "manual"]).default("schedule") }),
    queue: { policy: "stately", retryLimit: 10, retryDelay: 15, retryBackoff: true, expireInSeconds: 1800 } satisfies Omit<PgBoss.Queue, "name">,
    cron: () => cronForMinutes(getEnv().HOOKS_RECOVERY_INTERVAL_MINUTES),
  },
} as const;

export type JobName = keyof typeof jobDefinitions;
export type JobInput<N extends JobName> = z.input<(typeof jobDefinitions)[N]["schema"]>;
export type JobData<N extends JobName> = z.output<(typeof jobDefinitions)[N]["schema"]>;
export const jobNames = Object.keys(jobDefinitions) as JobName[];

/** Jobs sent on a cron schedule by pg-boss (see startQueue), with their cron expression. */
export function scheduledJobs(): { name: JobName; cron: string }[] {
  return jobNames.flatMap((name) => {
    const def = jobDefinitions[name];
    return "cron" in def ? [{ name, cron: def.cron() }] : [];
  });
}
