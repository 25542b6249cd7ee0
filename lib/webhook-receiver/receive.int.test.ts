import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { POST } from "@/app/api/gitlab/webhook/route";
import { startQueue, type JobQueue } from "@/lib/jobs/queue";
import { countJobs, deleteAllJobs, jobPolicies } from "@/lib/jobs/testing/queries";
import { fixture, issueNoteEvent, labelAddedEvent, OFFICIAL_EVENTS } from "@/lib/resolver/testing/payloads";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { updateInstallation } from "@/lib/webhook-installations/testing/queries";
import { createInstallationSecret, forgetVerifiedInstallations } from "./installation-secret";
import { deleteAllDeliveries, getDelivery, listDeliveryRows } from "./testing/queries";
import { createTestInstallation, deliveryRequest, installProcessGlobals, type TestInstallation } from "./testing/receiver-fixture";

/**
 * The receiver's contract, through the real route handler with `new Request(...)`: status codes,
 * what is stored (and what is not), and what is enqueued. No GitLab is involved: the receiver
 * never calls it.
 */

let t: TestDatabase;
let queue: JobQueue;
let restore: () => void;
let mine: TestInstallation;
let other: TestInstallation;

const deliveries = () => listDeliveryRows(t.handle.db);
const jobCount = () => countJobs(t.handle.db, "webhook.process");

beforeAll(async () => {
  t = await createTestDatabase();
  queue = await startQueue(t.handle, { maintenanceIntervalSeconds: 3600 });
  restore = installProcessGlobals(t.handle, queue);
  mine = await createTestInstallation(t.handle, { baseUrl: "https://gitlab.test", resourceId: 5, resourcePath: "g/p" });
  other = await createTestInstallation(t.handle, { baseUrl: "https://gitlab.test", resourceId: 6, resourcePath: "g/q" });
});

afterAll(async () => {
  restore?.();
  await queue?.stop({ graceful: false, timeout: 2_000 });
  await t?.close();
});

beforeEach(async () => {
  await deleteAllDeliveries(t.handle.db);
  await deleteAllJobs(t.handle.db);
});

describe("authentication", () => {
  // Issue 13: the token is checked before the body is read. The body here is 6 MB, streamed in
  // 64 KB chunks at 10 ms each (about a second to send in full); the stream counts what is pulled.
  it("a 6 MB body with a bad token gets 401 without reading the body", async () => {
    const CHUNK = 64 * 1024;
    const TOTAL = 6 * 1024 * 1024;
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          if (pulled >= TOTAL) return controller.close();
          await new Promise((r) => setTimeout(r, 10));
          pulled += CHUNK;
          controller.enqueue(new Uint8Array(CHUNK).fill(0x20));
        },
      },
      { highWaterMark: 0 },
    );
    const req = new Request("http://app.test/api/gitlab/webhook", {
      method: "POST",
      headers: { "content-type": "application/json", "x-gitlab-event": "Issue Hook", "x-gitlab-token": `${mine.installation.id}.glhook_wrongwrongwrongwrongwrongwrongwrongwrong` },
      body,
      duplex: "half",
    } as RequestInit & { duplex: "half" });
    const started = performance.now();
    const res = await POST(req);
    const elapsedMs = performance.now() - started;
    expect(res.status).toBe(401);
    expect(pulled).toBe(0);
    // Reading it would have taken ~960 ms (96 paced chunks); the refusal does not wait for it.
    expect(elapsedMs).toBeLessThan(900);
    expect(await deliveries()).toHaveLength(0);
  });

  it.each([
    ["a missing token", null],
    ["a wrong secret", () => `${mine.installation.id}.glhook_wrongwrongwrongwrongwrongwrongwrongwrong`],
    ["another installation's secret", () => `${mine.installation.id}.${other.secret.split(".")[1]}`],
    ["a token of the wrong shape", () => "not-ours"],
    ["an unknown installation id", () => `${crypto.randomUUID()}.${mine.secret.split(".")[1]}`],
  ])("%s gets 401 and nothing is stored", async (_name, token) => {
    const res = await POST(deliveryRequest(labelAddedEvent(), { token: typeof token === "function" ? token() : token, event: "Issue Hook" }));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: "invalid_token", message: expect.any(String) } });
    expect(await deliveries()).toHaveLength(0);
    expect(await jobCount()).toBe(0);
  });
});

describe("re-keyed installations", () => {
  it("after a secret is replaced, the old one is refused (once the short verification cache is gone)", async () => {
    const rekeyed = await createTestInstallation(t.handle, { baseUrl: "https://gitlab.test", resourceId: 7, resourcePath: "g/r" });
    expect((await POST(deliveryRequest(labelAddedEvent(), { token: rekeyed.secret, event: "Issue Hook" }))).status).toBe(202);
    const { secret, hash } = createInstallationSecret(rekeyed.installation.id);
    await updateInstallation(t.handle.db, rekeyed.installation.id, { secretHash: hash });
    forgetVerifiedInstallations(t.handle.db);
    expect((await POST(deliveryRequest(labelAddedEvent(), { token: rekeyed.secret, event: "Issue Hook" }))).status).toBe(401);
    expect((await POST(deliveryRequest(labelAddedEvent(), { token: secret, event: "Issue Hook" }))).status).toBe(202);
  });
});

describe("bad input", () => {
  it("malformed JSON gets 400", async () => {
    const res = await POST(deliveryRequest("{not json", { token: mine.secret, event: "Note Hook" }));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "invalid_json" } });
    expect(await deliveries()).toHaveLength(0);
  });

  it("a body that does not match the event's schema gets 400 with a short reason", async () => {
    const res = await POST(deliveryRequest({ object_kind: "note" }, { token: mine.secret, event: "Note Hook" }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("invalid_payload");
    expect(body.error.message.length).toBeLessThan(300);
  });

  it("a 6 MB body gets 413, even without an honest Content-Length", async () => {
    const big = JSON.stringify({ object_kind: "note", padding: "x".repeat(6 * 1024 * 1024) });
    expect((await POST(deliveryRequest(big, { token: mine.secret }))).status).toBe(413);
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        const chunk = new TextEncoder().encode("x".repeat(1024 * 1024));
        for (let i = 0; i < 6; i++) c.enqueue(chunk);
        c.close();
      },
    });
    const lying = new Request("http://127.0.0.1/api/gitlab/webhook", {
      method: "POST",
      headers: { "x-gitlab-token": mine.secret, "x-gitlab-event": "Note Hook", "content-length": "100" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect((await POST(lying)).status).toBe(413);
    expect(await deliveries()).toHaveLength(0);
  });
});

describe("recording and enqueueing", () => {
  it.each(OFFICIAL_EVENTS)("official $file is accepted (2xx)", async ({ file, header }) => {
    const res = await POST(deliveryRequest(fixture(file), { token: mine.secret, event: header }));
    expect(res.status).toBe(202);
  });

  it("note_commit and note_snippet are recorded as ignored, not enqueued", async () => {
    for (const file of ["note_commit.json", "note_snippet.json"]) {
      const res = await POST(deliveryRequest(fixture(file), { token: mine.secret, event: "Note Hook" }));
      expect(await res.json()).toMatchObject({ status: "ignored" });
    }
    const rows = await deliveries();
    expect(rows.map((r) => [r.outcome, r.reason])).toEqual([
      ["ignored", "comments on commits are not handled"],
      ["ignored", "comments on snippets are not handled"],
    ]);
    expect(rows.every((r) => r.processedAt !== null)).toBe(true);
    // Issue 13: an ignored delivery keeps no payload (stranger-written text nothing will read).
    expect(rows.every((r) => r.payload === null)).toBe(true);
    expect(await jobCount()).toBe(0);
  });

  it("the label-added payload is recorded pending with its payload and enqueued in the same transaction", async () => {
    const res = await POST(deliveryRequest(labelAddedEvent(), { token: mine.secret, event: "Issue Hook", idempotencyKey: "k-label", eventUuid: "e-label" }));
    expect(res.status).toBe(202);
    const { delivery } = (await res.json()) as { delivery: string };
    const row = await getDelivery(t.handle.db, delivery);
    expect(row).toMatchObject({ outcome: "pending", idempotencyKey: "k-label", eventUuid: "e-label", event: "Issue Hook", projectId: 1, installationId: mine.installation.id });
    expect((row?.payload as { object_kind: string }).object_kind).toBe("issue");
    expect(await jobCount()).toBe(1);
  });

  it("the enqueued job is the one boss.send would make, and the worker can fetch it", async () => {
    const res = await POST(deliveryRequest(labelAddedEvent(), { token: mine.secret, event: "Issue Hook" }));
    const { delivery } = (await res.json()) as { delivery: string };
    await queue.send("webhook.process", { deliveryId: crypto.randomUUID() });
    const [ours, boss] = await jobPolicies(t.handle.db, "webhook.process");
    expect(ours).toEqual(boss);
    expect(ours).toMatchObject({ retry_limit: 5, retry_backoff: true, expire_in: "00:05:00", state: "created" });
    const [job] = await queue.boss.fetch<{ deliveryId: string }>("webhook.process");
    expect(job?.data).toEqual({ deliveryId: delivery });
  });

  it("the official Emoji Hook example (an event we do not handle) gets 202, recorded as ignored", async () => {
    const res = await POST(deliveryRequest(fixture("emoji_award_on_issue_note.json"), { token: mine.secret, event: "Emoji Hook" }));
    expect(res.status).toBe(202);
    expect(await deliveries()).toMatchObject([{ outcome: "ignored", reason: "unhandled event type: Emoji Hook" }]);
  });

  it("an unhandled event type gets 202 and is recorded as ignored", async () => {
    const res = await POST(deliveryRequest({ object_kind: "push" }, { token: mine.secret, event: "Push Hook" }));
    expect(res.status).toBe(202);
    const [row] = await deliveries();
    expect(row).toMatchObject({ outcome: "ignored", reason: "unhandled event type: Push Hook", payload: null });
    expect(await jobCount()).toBe(0);
  });

  it("a duplicate gets 200 and is not enqueued again; the key falls back to the event UUID, then the body hash", async () => {
    const body = issueNoteEvent("@openhands create file a.txt");
    expect((await POST(deliveryRequest(body, { token: mine.secret, idempotencyKey: "same" }))).status).toBe(202);
    expect((await POST(deliveryRequest(body, { token: mine.secret, idempotencyKey: "same" }))).status).toBe(200);
    expect((await POST(deliveryRequest(body, { token: mine.secret, idempotencyKey: null, eventUuid: "uuid-x" }))).status).toBe(202);
    expect((await POST(deliveryRequest(body, { token: mine.secret, idempotencyKey: null, eventUuid: "uuid-x" }))).status).toBe(200);
    expect((await POST(deliveryRequest(body, { token: mine.secret, idempotencyKey: null, eventUuid: null }))).status).toBe(202);
    expect((await POST(deliveryRequest(body, { token: mine.secret, idempotencyKey: null, eventUuid: null }))).status).toBe(200);
    const keys = (await deliveries()).map((d) => d.idempotencyKey);
    expect(keys).toHaveLength(3);
    expect(keys).toEqual(expect.arrayContaining(["same", "uuid-x", expect.stringMatching(/^sha256:[0-9a-f]{64}$/)]));
    expect(await jobCount()).toBe(3);
  });

  it("10 concurrent identical deliveries: ten 2xx, one row, one job", async () => {
    const body = issueNoteEvent("@openhands create file b.txt");
    const responses = await Promise.all(Array.from({ length: 10 }, () => POST(deliveryRequest(body, { token: mine.secret, idempotencyKey: "burst" }))));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.every((s) => s >= 200 && s < 300)).toBe(true);
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    expect(await deliveries()).toHaveLength(1);
    expect(await jobCount()).toBe(1);
  });

  it("edits and system notes are recorded as ignored with the reason", async () => {
    await POST(deliveryRequest(issueNoteEvent("@openhands go", { action: "update" }), { token: mine.secret }));
    await POST(deliveryRequest(issueNoteEvent("added label", { system: true }), { token: mine.secret }));
    expect((await deliveries()).map((d) => d.outcome)).toEqual(["ignored", "ignored"]);
  });
});
