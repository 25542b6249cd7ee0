import type { DbHandle } from "@/db/client";
import { pingDatabase } from "@/db/ping";
import type { JobQueue } from "@/lib/jobs/queue";

export interface HealthReport {
  status: "ok" | "degraded";
  db: "ok" | "down";
  queue: "ok" | "down";
  /** the agent sandbox (issue 12): `off` = AGENT_SANDBOX=off, `unavailable` = runs will fail */
  sandbox?: "ok" | "off" | "unavailable";
  version: string;
  errors?: Record<string, string>;
}

const TIMEOUT_MS = 3_000;

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} did not answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS))]);
}

/** Check each part separately, so a failure names the part that is down. */
export type SandboxCheck = () => Promise<{ ok: true } | { ok: false; error: string } | { off: true }>;

export async function checkHealth(getDb: () => Promise<DbHandle>, getQueue: () => Promise<JobQueue>, version: string, checkSandbox?: SandboxCheck): Promise<HealthReport> {
  const errors: Record<string, string> = {};
  let db: HealthReport["db"] = "ok";
  let queue: HealthReport["queue"] = "ok";
  try {
    const handle = await withTimeout(getDb(), "database");
    await withTimeout(pingDatabase(handle.db), "database");
  } catch (err) {
    db = "down";
    errors.db = err instanceof Error ? err.message : String(err);
  }
  try {
    const q = await withTimeout(getQueue(), "queue");
    await withTimeout(q.boss.getQueueSize("system.probe"), "queue");
  } catch (err) {
    queue = "down";
    errors.queue = err instanceof Error ? err.message : String(err);
  }
  let sandbox: HealthReport["sandbox"];
  if (checkSandbox) {
    // A real start of a minimal sandbox, cached by the probe: cheap after the first call.
    const s = await checkSandbox();
    sandbox = "off" in s ? "off" : s.ok ? "ok" : "unavailable";
    if (!("off" in s) && !s.ok) errors.sandbox = s.error;
  }
  const ok = db === "ok" && queue === "ok" && sandbox !== "unavailable";
  return { status: ok ? "ok" : "degraded", db, queue, ...(sandbox ? { sandbox } : {}), version, ...(ok ? {} : { errors }) };
}
