import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testDbKind, type TestDatabase } from "@/lib/testing/db";
import { spawnTsx, waitUntil, type Spawned } from "@/lib/testing/processes";
import { startQueue, type JobQueue } from "./queue";
import { listSystemProbes, systemProbesOfJob } from "./testing/queries";

// Separate worker processes only exist with a real Postgres (PGlite is single-process by design).
describe.runIf(testDbKind() === "postgres")("npm run worker processes (Postgres)", () => {
  let tdb: TestDatabase;
  let queue: JobQueue;
  const workers: Spawned[] = [];

  function startWorkerProcess(): Spawned {
    const w = spawnTsx("lib/jobs/worker-main.ts", {
      DATABASE_URL: tdb.url,
      ENCRYPTION_KEY: "0".repeat(64),
      AUTH_SECRET: "x".repeat(40),
      DEMO_MODE: "off",
      AGENT_RUNTIME: "scripted",
      JOBS_MAINTENANCE_INTERVAL_SECONDS: "1",
      LOG_LEVEL: "info",
    });
    workers.push(w);
    return w;
  }

  async function probesFor(jobId: string) {
    return systemProbesOfJob(tdb.handle.db, jobId);
  }

  async function state(id: string) {
    return (await queue.boss.getJobById("system.probe", id))?.state;
  }

  beforeAll(async () => {
    tdb = await createTestDatabase("postgres");
    // This process only sends; it never works jobs.
    queue = await startQueue(tdb.handle, { maintenanceIntervalSeconds: 1 });
  });

  afterAll(async () => {
    for (const w of workers) w.child.kill("SIGKILL");
    await queue?.stop({ graceful: false, timeout: 2_000 });
    await tdb?.close();
  });

  it("two workers share the load and no job runs twice", async () => {
    const a = startWorkerProcess();
    const b = startWorkerProcess();
    await waitUntil(() => a.output().includes("worker started") && b.output().includes("worker started"), 30_000, "workers to start");
    const ids = await Promise.all(Array.from({ length: 24 }, (_, i) => queue.send("system.probe", { label: `load-${i}`, sleepMs: 150 })));
    await waitUntil(async () => (await Promise.all(ids.map(state))).every((s) => s === "completed"), 60_000, "all jobs to complete");
    const rows = (await listSystemProbes(tdb.handle.db)).filter((r) => ids.includes(r.jobId));
    expect(rows).toHaveLength(ids.length);
    expect(new Set(rows.map((r) => r.jobId)).size).toBe(ids.length);
    const pids = new Set(rows.map((r) => r.workerPid));
    expect(pids).toEqual(new Set([a.child.pid, b.child.pid]));
    expect(pids.has(process.pid)).toBe(false);
  });

  it("a job whose worker is killed mid-run is retried after its lease expires", async () => {
    const id = await queue.send("system.probe", { label: "killed", sleepMs: 60_000, sleepAttempts: 1 }, { expireInSeconds: 3, retryDelay: 0 });
    await waitUntil(async () => (await probesFor(id)).length === 1, 30_000, "a worker to pick the job");
    const [first] = await probesFor(id);
    const victim = workers.find((w) => w.child.pid === first?.workerPid);
    expect(victim).toBeDefined();
    victim?.child.kill("SIGKILL");
    await waitUntil(async () => (await state(id)) === "completed", 45_000, "the job to be retried and completed");
    const runs = await probesFor(id);
    expect(runs).toHaveLength(2);
    expect(runs[1]?.workerPid).not.toBe(first?.workerPid);
  });

  it("SIGTERM lets the job in hand finish before the worker exits", async () => {
    for (const w of workers) w.child.kill("SIGKILL");
    const w = startWorkerProcess();
    await waitUntil(() => w.output().includes("worker started"), 30_000, "worker to start");
    const id = await queue.send("system.probe", { label: "graceful", sleepMs: 2_000 });
    await waitUntil(async () => (await probesFor(id)).length === 1, 30_000, "the worker to pick the job");
    w.child.kill("SIGTERM");
    const code = await w.exited;
    expect(code).toBe(0);
    expect(await state(id)).toBe("completed");
    const [run] = await probesFor(id);
    expect(run?.finishedAt).toBeInstanceOf(Date);
  });
});
