import type { DbHandle } from "@/db/client";
import type { WebhookInstallation } from "@/db/schema";
import type { JobQueue } from "@/lib/jobs/queue";
import { insertInstallation } from "@/lib/webhook-installations/testing/queries";
import { createInstallationSecret } from "../installation-secret";

/**
 * Test helpers for the webhook receiver: installations made with the same secret function the
 * installer uses, deliveries shaped like GitLab's (headers included), and the process-wide
 * database/queue slots pointed at the test's own, so the real route handler can be called.
 */

const DB_KEY = Symbol.for("gitlab-agent.db");
const QUEUE_KEY = Symbol.for("gitlab-agent.queue");
type Slots = typeof globalThis & { [DB_KEY]?: Promise<DbHandle>; [QUEUE_KEY]?: Promise<JobQueue> };

/** Makes getDb()/getQueue() (db/index.ts, lib/jobs/send.ts) return the test's handle and queue. */
export function installProcessGlobals(handle: DbHandle, queue: JobQueue): () => void {
  const g = globalThis as Slots;
  const before = { db: g[DB_KEY], queue: g[QUEUE_KEY] };
  g[DB_KEY] = Promise.resolve(handle);
  g[QUEUE_KEY] = Promise.resolve(queue);
  return () => {
    g[DB_KEY] = before.db;
    g[QUEUE_KEY] = before.queue;
    if (!before.db) delete g[DB_KEY];
    if (!before.queue) delete g[QUEUE_KEY];
  };
}

export interface TestInstallation {
  installation: WebhookInstallation;
  /** what GitLab sends back in X-Gitlab-Token */
  secret: string;
}

export async function createTestInstallation(
  handle: DbHandle,
  input: { baseUrl: string; resourceType?: "project" | "group"; resourceId: number; resourcePath: string; installedBy?: string | null; gitlabHookId?: number },
): Promise<TestInstallation> {
  const id = crypto.randomUUID();
  const { secret, hash } = createInstallationSecret(id);
  const installation = await insertInstallation(handle.db, {
    id,
    baseUrl: input.baseUrl,
    resourceType: input.resourceType ?? "project",
    resourceId: input.resourceId,
    resourcePath: input.resourcePath,
    resourceName: input.resourcePath.split("/").at(-1) ?? input.resourcePath,
    secretHash: hash,
    status: "installed",
    installedBy: input.installedBy ?? null,
    installedAt: new Date(),
    gitlabHookId: input.gitlabHookId ?? null,
  });
  return { installation, secret };
}

export interface DeliveryOptions {
  token?: string | null;
  event?: string | null;
  idempotencyKey?: string | null;
  eventUuid?: string | null;
  headers?: Record<string, string>;
}

/** A delivery as GitLab sends it: JSON body, X-Gitlab-* headers, Idempotency-Key. */
export function deliveryRequest(body: unknown, opts: DeliveryOptions = {}): Request {
  const headers: Record<string, string> = { "content-type": "application/json", "user-agent": "GitLab/18.6.0", ...opts.headers };
  if (opts.token) headers["x-gitlab-token"] = opts.token;
  if (opts.event !== null) headers["x-gitlab-event"] = opts.event ?? "Note Hook";
  if (opts.idempotencyKey !== null) headers["idempotency-key"] = opts.idempotencyKey ?? crypto.randomUUID();
  if (opts.eventUuid !== null) headers["x-gitlab-event-uuid"] = opts.eventUuid ?? crypto.randomUUID();
  return new Request("http://127.0.0.1/api/gitlab/webhook", { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) });
}
