import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { startQueue, type JobQueue } from "./queue";
import { systemProbesOfJob } from "./testing/queries";
import { startWorker, type RunningWorker } from "./worker";
import { handlers } from "./handlers";

let tdb: TestDatabase;
let queue: JobQueue;
let worker: RunningWorker;

beforeAll(async () => {
  tdb = await createTestDatabase();
  queue = await startQueue(tdb.handle, { maintenanceIntervalSeconds: 1 });
  worker = await startWorker(queue, tdb.handle.db, handlers, { pollingIntervalSeconds: 0.5, shutdownGraceMs: 2_000 });
});

afterAll(async () => {
  await worker?.stop();
  await queue?.stop({ graceful: false, timeout: 2_000 });
  await tdb?.close();
});

async function waitFor<T>(fn: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe(`job queue on ${process.env.TEST_DB ?? "pglite"}`, () => {
  it("runs a sent job exactly once and records its completion", async () => {
    const id = await queue.send("system.probe", { label: "hello" });
    const job = await waitFor(async () => {
      const j = await queue.boss.getJobById("system.probe", id);
      return j?.state === "completed" ? j : undefined;
    });
    expect(job.output).toEqual({ pid: process.pid });
    const rows = await systemProbesOfJob(tdb.handle.db, id);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.label).toBe("hello");
    expect(rows[0]?.finishedAt).toBeInstanceOf(Date);
  });

  it("rejects a payload that does not match the job's schema before it is queued", async () => {
    await expect(queue.send("system.probe", { label: "x", sleepMs: -5 })).rejects.toThrow(/sleepMs/);
  });

  it("retries a job whose lease expired", async () => {
    // The first attempt sleeps past its 2 s lease; maintenance (every 1 s) expires it and the retry
    // (which does not sleep) completes.
    const id = await queue.send("system.probe", { label: "lease", sleepMs: 8_000, sleepAttempts: 1 }, { expireInSeconds: 2, retryDelay: 0 });
    const job = await waitFor(async () => {
      const j = await queue.boss.getJobById("system.probe", id);
      return j?.state === "completed" ? j : undefined;
    }, 30_000);
    expect(job.retryCount).toBeGreaterThanOrEqual(1);
    const rows = await systemProbesOfJob(tdb.handle.db, id);
    expect(rows.length).toBeGreaterThanOrEqual(2);
  });
});
