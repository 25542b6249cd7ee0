import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SeedInput } from "@gitlab-agent/gitlab-sandbox";
import { createCipherKit } from "@/lib/crypto";
import { startSandboxFixture, type SandboxFixture } from "@/lib/gitlab/testing/sandbox-fixture";
import { startQueue, type JobQueue } from "@/lib/jobs/queue";
import { createTestDatabase, testDbKind, type TestDatabase } from "@/lib/testing/db";
import { spawnTsx, waitUntil, type Spawned } from "@/lib/testing/processes";
import { enqueueHooksSync, usersToSync } from "./enqueue";
import { APP_URL, connect, ourHooks } from "./testing/fixture";

/**
 * Two real worker processes (`npm run worker`) against one Postgres and the sandbox. olga and olaf
 * both own group `acme` and both may install on olga's personal projects, so their two syncs, run
 * at the same time by the two workers, race for the same resources. Each still gets one hook.
 */
const ENCRYPTION_KEY = crypto.randomBytes(32).toString("base64");
const PROJECTS = 6;

function seed(): SeedInput {
  const projects: NonNullable<SeedInput["projects"]> = [];
  for (let i = 1; i <= PROJECTS; i++) projects.push({ namespace: "olga", path: `tool-${i}`, members: [{ username: "olaf", access_level: 40 }] });
  return {
    users: [
      { username: "olga", password: "correct-horse-battery" },
      { username: "olaf", password: "correct-horse-battery" },
    ],
    groups: [{ path: "acme", tier: "premium", members: [{ username: "olga", access_level: 50 }, { username: "olaf", access_level: 50 }] }],
    projects,
  };
}

describe.runIf(testDbKind() === "postgres")("hooks.sync in two worker processes (Postgres)", () => {
  let tdb: TestDatabase;
  let gl: SandboxFixture;
  let queue: JobQueue;
  const workers: Spawned[] = [];
  const users: string[] = [];

  beforeAll(async () => {
    [tdb, gl] = await Promise.all([createTestDatabase("postgres"), startSandboxFixture(seed())]);
    const cipher = createCipherKit({ current: ENCRYPTION_KEY });
    for (const name of ["olga", "olaf"]) users.push((await connect(tdb.handle.db, gl, name, cipher)).userId);
    queue = await startQueue(tdb.handle, { maintenanceIntervalSeconds: 1 });
    for (let i = 0; i < 2; i++) {
      workers.push(
        spawnTsx("lib/jobs/worker-main.ts", {
          DATABASE_URL: tdb.url,
          ENCRYPTION_KEY,
          AUTH_SECRET: "x".repeat(40),
          APP_URL,
          DEMO_MODE: "off",
          GITLAB_URL: gl.oauth.baseUrl,
          GITLAB_CLIENT_ID: gl.oauth.clientId,
          GITLAB_CLIENT_SECRET: gl.oauth.clientSecret,
          HOOKS_SYNC_CONCURRENCY: "3",
          AGENT_RUNTIME: "scripted",
          LOG_LEVEL: "info",
        }),
      );
    }
    await waitUntil(() => workers.every((w) => w.output().includes("worker started")), 60_000, "workers to start");
  }, 120_000);

  afterAll(async () => {
    for (const w of workers) w.child.kill("SIGKILL");
    await queue?.stop({ graceful: false, timeout: 2_000 });
    await gl?.close();
    await tdb?.close();
  });

  async function syncBothAndWait(): Promise<void> {
    const ids = await Promise.all(users.map((u) => enqueueHooksSync(queue, u, "manual")));
    const jobIds = ids.filter((id): id is string => id !== null);
    expect(jobIds).toHaveLength(2);
    await waitUntil(async () => (await Promise.all(jobIds.map((id) => queue.boss.getJobById("hooks.sync", id)))).every((j) => j?.state === "completed"), 60_000, "both syncs to complete");
  }

  function expectOneHookEach(): void {
    expect(ourHooks(gl, "group", "acme")).toHaveLength(1);
    for (let i = 1; i <= PROJECTS; i++) expect(ourHooks(gl, "project", `olga/tool-${i}`), `olga/tool-${i}`).toHaveLength(1);
  }

  it("the sweep finds both connected users", async () => {
    expect((await usersToSync(tdb.handle.db, gl.oauth.baseUrl)).sort()).toEqual([...users].sort());
    expect(await usersToSync(tdb.handle.db, "https://gitlab.other.example")).toEqual([]);
  });

  it("two users' syncs racing in two workers create exactly one hook per resource, run after run", async () => {
    // Slow hook listings widen the window in which both workers look at the same resource.
    await gl.control("faults", { path: "/hooks(\\?|$)", method: "GET", delay_ms: 300 });
    await syncBothAndWait();
    expectOneHookEach();
    await syncBothAndWait();
    expectOneHookEach();
    for (const h of [...gl.sandbox.store.hooks.values()]) gl.sandbox.store.hooks.delete(h.id);
    await syncBothAndWait();
    expectOneHookEach();
    const pids = workers.map((w) => w.child.pid);
    expect(workers.every((w) => w.output().includes("webhook sync done")), `both workers synced (pids ${pids.join(", ")})`).toBe(true);
  }, 120_000);

  it("a user's second sync request while one is queued is absorbed (one per user at a time)", async () => {
    for (const w of workers) w.child.kill("SIGSTOP");
    try {
      const first = await enqueueHooksSync(queue, users[0] ?? "", "sign_in");
      const second = await enqueueHooksSync(queue, users[0] ?? "", "sign_in");
      expect(first).not.toBeNull();
      expect(second).toBeNull();
    } finally {
      for (const w of workers) w.child.kill("SIGCONT");
    }
  });
});
