import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { POST } from "@/app/api/gitlab/webhook/route";
import type { Conversation, WebhookDelivery } from "@/db/schema";
import { createScriptedRuntime } from "@/lib/agent/scripted-runtime";
import { queueEnqueuer } from "@/lib/conversations/enqueue";
import type { RunDeps } from "@/lib/conversations/run";
import { Semaphore } from "@/lib/conversations/semaphore";
import { listConversationRows } from "@/lib/conversations/testing/queries";
import { connectUser, type ConnectedUser } from "@/lib/gitlab/testing/connected-user";
import { startSandboxFixture, type SandboxFixture } from "@/lib/gitlab/testing/sandbox-fixture";
import { createAgentRunHandler } from "@/lib/jobs/handlers/agent-run";
import { handlers } from "@/lib/jobs/handlers";
import { webhookProcess } from "@/lib/jobs/handlers/webhook-process";
import { startQueue, type JobQueue } from "@/lib/jobs/queue";
import { startWorker, type RunningWorker } from "@/lib/jobs/worker";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { createTestInstallation, installProcessGlobals, type TestInstallation } from "@/lib/webhook-receiver/testing/receiver-fixture";
import type { SeedInput } from "@gitlab-agent/gitlab-sandbox";
import { setResolverConfig, type ResolverConfig } from "../config";
import { runLifecycles } from "../run-lifecycle";
import { listDeliveryRows } from "@/lib/webhook-receiver/testing/queries";

/**
 * Everything the GitLab flows need, wired the way production wires it, in one process:
 * the GitLab sandbox (real git, real webhook deliveries with GitLab's headers), an HTTP server in
 * front of the real route handler (the hooks' URL), a fresh database, pg-boss, and a worker running
 * `webhook.process` and `agent.run` with the scripted agent.
 */

export const APP_URL = "http://app.test";

export interface Harness {
  t: TestDatabase;
  queue: JobQueue;
  gl: SandboxFixture;
  receiverUrl: string;
  users: Record<string, { id: number; token: string; linked?: ConnectedUser }>;
  /** seeded project and group ids by full path */
  ids: Record<string, number>;
  runDeps: RunDeps;
  configure(patch: Partial<ResolverConfig>): void;
  /** REST v4 as a sandbox user (their personal access token) */
  api<T = unknown>(as: string, method: string, path: string, body?: unknown): Promise<T>;
  install(input: { resourceType: "project" | "group"; resourceId: number; resourcePath: string; installedBy?: string | null; url?: string }): Promise<TestInstallation>;
  conversationFor(where: { issueIid?: number; mergeRequestIid?: number; projectId: number }): Promise<Conversation | null>;
  /**
   * Our delivery rows for what the sandbox sent, chosen by the body GitLab sent (ignored deliveries
   * keep no payload, so the sandbox's record is matched through the Idempotency-Key).
   */
  deliveriesFor(match: (body: Record<string, unknown>) => boolean): Promise<WebhookDelivery[]>;
  close(): Promise<void>;
}

function receiverServer(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const request = new Request(`http://127.0.0.1${req.url ?? "/"}`, { method: req.method, headers, body: Buffer.concat(chunks) });
      POST(request)
        .then(async (response) => {
          res.writeHead(response.status, { "content-type": "application/json" });
          res.end(await response.text());
        })
        .catch((err: unknown) => {
          res.writeHead(500);
          res.end(String(err));
        });
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/gitlab/webhook` })));
}

const seedResult = z.object({
  users: z.array(z.object({ id: z.number(), username: z.string(), personal_access_tokens: z.array(z.object({ token: z.string() })) })),
  groups: z.array(z.object({ id: z.number(), full_path: z.string() })),
  projects: z.array(z.object({ id: z.number(), path_with_namespace: z.string() })),
});

export async function startHarness(seed: SeedInput, opts: { link: string[] }): Promise<Harness> {
  const t = await createTestDatabase();
  const queue = await startQueue(t.handle, { maintenanceIntervalSeconds: 3600 });
  const restoreGlobals = installProcessGlobals(t.handle, queue);
  const gl = await startSandboxFixture({});
  const seeded = seedResult.parse(await gl.sandbox.seed(seed));
  const users: Harness["users"] = {};
  for (const u of seeded.users) users[u.username] = { id: u.id, token: u.personal_access_tokens[0]?.token ?? "" };
  for (const username of opts.link) {
    const user = users[username];
    if (user) user.linked = await connectUser(t.handle.db, gl.oauth, { username, password: "sandbox-password" });
  }
  const ids: Record<string, number> = {};
  for (const g of seeded.groups) ids[g.full_path] = g.id;
  for (const p of seeded.projects) ids[p.path_with_namespace] = p.id;
  const { server, url: receiverUrl } = await receiverServer();

  const runDeps: RunDeps = {
    oauth: gl.oauth,
    runtime: createScriptedRuntime(),
    timeoutMs: 30_000,
    heartbeatMs: 1_000,
    enqueue: queueEnqueuer(queue, 60),
    appUrl: APP_URL,
    lifecycles: runLifecycles,
  };
  const base: ResolverConfig = { appUrl: APP_URL, botToken: null, oauth: gl.oauth, enqueueRun: runDeps.enqueue, refusalWindowHours: 24, postRetryDelayMs: 100 };
  setResolverConfig(base);
  const worker: RunningWorker = await startWorker(
    queue,
    t.handle.db,
    // Production's handlers, with the agent run wired to the scripted agent and the sandbox.
    { ...handlers, "agent.run": createAgentRunHandler(() => runDeps, new Semaphore(2)), "webhook.process": webhookProcess },
    { pollingIntervalSeconds: 0.5, shutdownGraceMs: 2_000, concurrency: { "webhook.process": 2, "agent.run": 2 } },
  );

  const api = async <T>(as: string, method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${gl.sandbox.url}/api/v4${path}`, {
      method,
      headers: { "private-token": users[as]?.token ?? "", ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} as ${as}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  };

  return {
    t,
    queue,
    gl,
    receiverUrl,
    users,
    ids,
    runDeps,
    configure: (patch) => setResolverConfig({ ...base, ...patch }),
    api,
    async install(input) {
      const installedBy = input.installedBy === undefined ? (Object.values(users).find((u) => u.linked)?.linked?.userId ?? null) : input.installedBy;
      const inst = await createTestInstallation(t.handle, { baseUrl: gl.sandbox.url, ...input, installedBy });
      const events = { url: input.url ?? receiverUrl, token: inst.secret, push_events: false, issues_events: true, confidential_issues_events: true, note_events: true, confidential_note_events: true, merge_requests_events: true };
      const owner = Object.entries(users).find(([, u]) => u.linked)?.[0] ?? "";
      const path = input.resourceType === "project" ? `/projects/${input.resourceId}/hooks` : `/groups/${input.resourceId}/hooks`;
      await api(owner, "POST", path, events);
      return inst;
    },
    async deliveriesFor(match) {
      const keys = new Set(gl.sandbox.deliveries().filter((d) => match(d.request_body as Record<string, unknown>)).map((d) => d.idempotency_key));
      return (await listDeliveryRows(t.handle.db)).filter((r) => keys.has(r.idempotencyKey));
    },
    async conversationFor(where) {
      const rows = await listConversationRows(t.handle.db, { projectId: where.projectId });
      return rows.find((c) => (where.issueIid !== undefined ? c.issueIid === where.issueIid : c.mergeRequestIid === where.mergeRequestIid)) ?? null;
    },
    async close() {
      await worker.stop().catch(() => undefined);
      setResolverConfig(null);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await gl.close();
      restoreGlobals();
      await queue.stop({ graceful: false, timeout: 2_000 }).catch(() => undefined);
      await t.close();
    },
  };
}

/** Polls until `fn` returns a truthy value (or throws after `timeoutMs`, naming `what`). */
export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}
