import crypto from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { defaultWorkRoot } from "@/lib/agent/work-dirs";
import { createCipherKit } from "@/lib/crypto";
import { connectUser } from "@/lib/gitlab/testing/connected-user";
import { startSandboxFixture, type SandboxFixture } from "@/lib/gitlab/testing/sandbox-fixture";
import { startQueue, type JobQueue } from "@/lib/jobs/queue";
import { createTestDatabase, testDbKind, type TestDatabase } from "@/lib/testing/db";
import { spawnTsx, waitUntil, type Spawned } from "@/lib/testing/processes";
import { enqueueAgentRun } from "./enqueue";
import { appendEvent, listEvents } from "./events";
import { transitionStatus } from "./status";
import { sweepConversations } from "./sweeper";
import { insertConversation, insertUser } from "./testing/fixtures";
import { getConversationRow, setHeartbeatAgo, setUpdatedAgo } from "./testing/queries";

describe("the sweeper", () => {
  let tdb: TestDatabase;
  let db: Database;
  let userId: string;

  beforeAll(async () => {
    tdb = await createTestDatabase();
    db = tdb.handle.db;
    userId = await insertUser(db);
  });
  afterAll(async () => {
    await tdb?.close();
  });

  async function runningWithHeartbeatAgo(seconds: number) {
    const c = await insertConversation(db, userId);
    await transitionStatus(db, c.id, "starting");
    await transitionStatus(db, c.id, "running");
    await setHeartbeatAgo(db, c.id, seconds);
    return c;
  }

  it("marks a running conversation whose heartbeat stopped as failed, interrupted, exactly once", async () => {
    const stale = await runningWithHeartbeatAgo(120);
    const alive = await runningWithHeartbeatAgo(1);
    const sweeps = await Promise.all([1, 2, 3].map(() => sweepConversations(db, { lifecycles: {}, staleAfterMs: 20_000, enqueue: async () => {} })));
    expect(sweeps.flatMap((s) => s.interrupted)).toEqual([stale.id]);
    const row = await getConversationRow(db, stale.id);
    expect(row).toMatchObject({ status: "failed", error: "interrupted", outcome: "failed" });
    const events = (await listEvents(db, stale.id)).map((e) => e.event);
    expect(events.filter((e) => e.kind === "error")).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ kind: "status", status: "failed", reason: "interrupted" });
    const other = await getConversationRow(db, alive.id);
    expect(other?.status).toBe("running");
  });

  it("re-enqueues a queued conversation that has no job (the send after commit failed)", async () => {
    const queue = await startQueue(tdb.handle, { maintenanceIntervalSeconds: 60 });
    try {
      const orphan = await insertConversation(db, userId);
      const fresh = await insertConversation(db, userId);
      const withJob = await insertConversation(db, userId);
      await enqueueAgentRun(queue, withJob.id, 60);
      await setUpdatedAgo(db, { status: "queued" }, 10 * 60);
      await setUpdatedAgo(db, { id: fresh.id }, 0);
      const sent: string[] = [];
      const report = await sweepConversations(db, { lifecycles: {}, staleAfterMs: 20_000, requeueAfterMs: 60_000, enqueue: async (id) => void sent.push(id) });
      expect(report.requeued).toEqual([orphan.id]);
      expect(sent).toEqual([orphan.id]);
    } finally {
      await queue.stop({ graceful: false, timeout: 2_000 });
    }
  });
});

// Separate worker processes only exist with a real Postgres (PGlite is single-process by design).
describe.runIf(testDbKind() === "postgres")("a worker killed mid-run (Postgres, real processes)", () => {
  const key = crypto.randomBytes(32).toString("base64");
  const cipher = createCipherKit({ current: key });
  let tdb: TestDatabase;
  let gl: SandboxFixture;
  let queue: JobQueue;
  const workers: Spawned[] = [];

  beforeAll(async () => {
    [tdb, gl] = await Promise.all([
      createTestDatabase("postgres"),
      startSandboxFixture({ users: [{ username: "ada", password: "correct-horse-battery" }], projects: [{ namespace: "ada", path: "demo", files: { "README.md": "# demo\n" } }] }),
    ]);
    queue = await startQueue(tdb.handle, { maintenanceIntervalSeconds: 1 });
  });

  afterAll(async () => {
    for (const w of workers) w.child.kill("SIGKILL");
    await queue?.stop({ graceful: false, timeout: 2_000 });
    await gl?.close();
    await tdb?.close();
  });

  function startWorker(): Spawned {
    const w = spawnTsx("lib/jobs/worker-main.ts", {
      DATABASE_URL: tdb.url,
      ENCRYPTION_KEY: key,
      AUTH_SECRET: "x".repeat(40),
      GITLAB_URL: gl.oauth.baseUrl,
      GITLAB_CLIENT_ID: gl.oauth.clientId,
      GITLAB_CLIENT_SECRET: gl.oauth.clientSecret,
      APP_URL: "http://127.0.0.1:3999",
      AGENT_RUNTIME: "scripted",
      AGENT_HEARTBEAT_SECONDS: "1",
      JOBS_MAINTENANCE_INTERVAL_SECONDS: "1",
      LOG_LEVEL: "info",
    });
    workers.push(w);
    return w;
  }

  const status = (id: string) => getConversationRow(tdb.handle.db, id);

  it("after a restart the conversation is failed (interrupted), not stuck running; new runs work", async () => {
    const db = tdb.handle.db;
    const ada = await connectUser(db, gl.oauth, { username: "ada", password: "correct-horse-battery" }, { cipher });
    const projectId = (await (await fetch(`${gl.sandbox.url}/api/v4/projects/ada%2Fdemo`, { headers: { authorization: `Bearer ${ada.tokens.accessToken}` } })).json() as { id: number }).id;
    const c = await insertConversation(db, ada.userId, { projectId, projectPath: "ada/demo" });
    await appendEvent(db, c.id, { kind: "user_message", text: "sleep 30" });

    const first = startWorker();
    await enqueueAgentRun(queue, c.id, 60);
    await waitUntil(async () => (await status(c.id))?.status === "running", 45_000, "the run to start");
    // The killed worker's checkout is left behind on disk…
    const leftBehind = join(defaultWorkRoot(), String(first.child.pid));
    expect(existsSync(leftBehind)).toBe(true);
    first.child.kill("SIGKILL");
    await first.exited;

    const second = startWorker();
    await waitUntil(() => second.output().includes("worker started"), 30_000, "the second worker to start");
    await waitUntil(async () => (await status(c.id))?.status !== "running", 20_000, "the sweeper to end the run");
    expect(await status(c.id)).toMatchObject({ status: "failed", error: "interrupted" });
    // …and the next worker removes it.
    await waitUntil(() => !existsSync(leftBehind), 10_000, "the dead worker's work directory to be removed");

    // The restarted worker runs new work normally, through the real agent.run job.
    const next = await insertConversation(db, ada.userId, { projectId, projectPath: "ada/demo" });
    await appendEvent(db, next.id, { kind: "user_message", text: "create file hello.txt with content hi" });
    await enqueueAgentRun(queue, next.id, 60);
    await waitUntil(async () => ["finished", "failed"].includes((await status(next.id))?.status ?? ""), 45_000, "the new run to end");
    expect(await status(next.id)).toMatchObject({ status: "finished", outcome: "resolved" });
  });
});
