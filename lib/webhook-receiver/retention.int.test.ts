import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handlers } from "@/lib/jobs/handlers";
import { startQueue, type JobQueue } from "@/lib/jobs/queue";
import { startWorker, type RunningWorker } from "@/lib/jobs/worker";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { createTestInstallation } from "./testing/receiver-fixture";
import { recordDelivery } from "./queries/record-delivery";
import { ageDelivery, deliveryIds, getCommentPost, getDelivery, insertCommentPost } from "./testing/queries";

/**
 * Issue 13, retention: the daily `webhooks.retention` job (run here through pg-boss and the real
 * worker) deletes deliveries older than the window and keeps the rest; deliveries ignored on
 * arrival never kept a payload in the first place.
 */

let t: TestDatabase;
let queue: JobQueue;
let worker: RunningWorker;
let installationId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  queue = await startQueue(t.handle, { maintenanceIntervalSeconds: 3600 });
  worker = await startWorker(queue, t.handle.db, handlers, { pollingIntervalSeconds: 0.5, shutdownGraceMs: 1_000 });
  installationId = (await createTestInstallation(t.handle, { baseUrl: "https://gitlab.test", resourceId: 7, resourcePath: "g/r" })).installation.id;
});

afterAll(async () => {
  await worker?.stop();
  await queue?.stop({ graceful: false, timeout: 2_000 });
  await t?.close();
});

async function delivery(key: string, ageDays: number): Promise<string> {
  const recorded = await recordDelivery(t.handle, { installationId, idempotencyKey: key, eventUuid: null, event: "Note Hook", projectId: 7, payloadJson: '{"object_kind":"note"}', outcome: "ignored", reason: "test" });
  if (recorded.status !== "recorded") throw new Error("not recorded");
  await ageDelivery(t.handle.db, recorded.deliveryId, ageDays);
  return recorded.deliveryId;
}

describe("webhook delivery retention", () => {
  it("ignored deliveries keep no payload", async () => {
    const id = await delivery("no-payload", 0);
    const row = await getDelivery(t.handle.db, id);
    expect(row?.payload).toBeNull();
    expect(row?.reason).toBe("test");
  });

  it("rows older than the window are gone after the job runs; newer ones stay", async () => {
    const old = await delivery("old-1", 31);
    const older = await delivery("old-2", 400);
    const recent = await delivery("recent", 29);
    const today = await delivery("today", 0);
    // A comment-post row naming an old delivery survives it (its key still guards against reposting).
    await insertCommentPost(t.handle.db, { key: "refusal/x", markerKey: "refusal/x", projectId: 7, noteableType: "issue", noteableIid: 1, deliveryId: old });

    await queue.send("webhooks.retention", { retentionDays: 30 });
    const remaining = () => deliveryIds(t.handle.db);
    const deadline = Date.now() + 20_000;
    while ((await remaining()).includes(old) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));

    const left = await remaining();
    expect(left).not.toContain(old);
    expect(left).not.toContain(older);
    expect(left).toEqual(expect.arrayContaining([recent, today]));
    const post = await getCommentPost(t.handle.db, "refusal/x");
    expect(post?.deliveryId).toBeNull();
  });

  it("is scheduled daily with pg-boss", async () => {
    const schedules = await queue.boss.getSchedules();
    expect(schedules.find((s) => s.name === "webhooks.retention")?.cron).toBe("17 3 * * *");
  });
});
