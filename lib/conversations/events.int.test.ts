import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import type { Database } from "@/db/client";
import { appendEvent, listEvents } from "./events";
import { subscribe } from "./notifications";
import { InvalidTransitionError, transitionStatus } from "./status";
import { conversationEventStream, resumeSeq } from "./stream";
import { finalizeRun } from "./finalize";
import { insertConversation, insertUser, readSse } from "./testing/fixtures";

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

describe("conversation events", () => {
  it("assigns gapless, unique seqs under concurrent appends", async () => {
    const c = await insertConversation(db, userId);
    const other = await insertConversation(db, userId);
    const seqs = await Promise.all(
      Array.from({ length: 40 }, (_, i) => appendEvent(db, i % 4 === 0 ? other.id : c.id, { kind: "message", text: `m${i}` })),
    );
    const mine = (await listEvents(db, c.id, 0, 1000)).map((e) => e.seq);
    const theirs = (await listEvents(db, other.id, 0, 1000)).map((e) => e.seq);
    expect(mine).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(theirs).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(seqs).toHaveLength(40);
  });

  it("notifies subscribers of the conversation only, after commit", async () => {
    const c = await insertConversation(db, userId);
    const other = await insertConversation(db, userId);
    const seen: number[] = [];
    const unsubscribe = await subscribe(tdb.handle, c.id, (seq) => {
      if (seq > 0) seen.push(seq);
    });
    await appendEvent(db, other.id, { kind: "message", text: "not for us" });
    await appendEvent(db, c.id, { kind: "message", text: "one" });
    await appendEvent(db, c.id, { kind: "message", text: "two" });
    await expect.poll(() => seen, { timeout: 5_000 }).toEqual([1, 2]);
    unsubscribe();
    await appendEvent(db, c.id, { kind: "message", text: "three" });
    await new Promise((r) => setTimeout(r, 200));
    expect(seen).toEqual([1, 2]);
  });
});

describe("status transitions", () => {
  it("walks queued → starting → running → finished, with a status event each", async () => {
    const c = await insertConversation(db, userId);
    expect((await transitionStatus(db, c.id, "starting"))?.startedAt).toBeInstanceOf(Date);
    expect((await transitionStatus(db, c.id, "running"))?.status).toBe("running");
    const done = await transitionStatus(db, c.id, "finished", { patch: { outcome: "resolved", summary: "ok" } });
    expect(done).toMatchObject({ status: "finished", outcome: "resolved", summary: "ok" });
    expect(done?.finishedAt).toBeInstanceOf(Date);
    const events = await listEvents(db, c.id);
    expect(events.map((e) => e.event)).toEqual([
      { kind: "status", text: "Starting", status: "starting" },
      { kind: "status", text: "Running", status: "running" },
      { kind: "status", text: "Finished", status: "finished" },
    ]);
  });

  it("refuses invalid transitions and only re-opens a finished conversation through queued", async () => {
    const c = await insertConversation(db, userId);
    await expect(transitionStatus(db, c.id, "running")).rejects.toBeInstanceOf(InvalidTransitionError);
    await transitionStatus(db, c.id, "starting");
    await transitionStatus(db, c.id, "running");
    await transitionStatus(db, c.id, "failed", { reason: "timed out after 5 s", patch: { error: "timed out after 5 s" } });
    await expect(transitionStatus(db, c.id, "running")).rejects.toBeInstanceOf(InvalidTransitionError);
    await expect(transitionStatus(db, c.id, "finished")).rejects.toBeInstanceOf(InvalidTransitionError);
    const again = await transitionStatus(db, c.id, "queued");
    expect(again).toMatchObject({ status: "queued", error: null, outcome: null, finishedAt: null });
    const events = await listEvents(db, c.id);
    expect(events.at(-2)?.event).toEqual({ kind: "status", text: "Failed: timed out after 5 s", status: "failed", reason: "timed out after 5 s" });
  });

  it("a conditional claim happens once", async () => {
    const c = await insertConversation(db, userId);
    const claims = await Promise.all([1, 2, 3].map(() => transitionStatus(db, c.id, "starting", { from: ["queued"] })));
    expect(claims.filter(Boolean)).toHaveLength(1);
  });
});

describe("the SSE stream", () => {
  it("resumes from Last-Event-ID or ?after=", () => {
    expect(resumeSeq(new Request("http://x/e", { headers: { "last-event-id": "12" } }))).toBe(12);
    expect(resumeSeq(new Request("http://x/e?after=7"))).toBe(7);
    expect(resumeSeq(new Request("http://x/e?after=-3"))).toBe(0);
    expect(resumeSeq(new Request("http://x/e?after=abc"))).toBe(0);
  });

  it("loses no event across a forced reconnect, and ends after the terminal status", async () => {
    const c = await insertConversation(db, userId);
    await transitionStatus(db, c.id, "starting");
    await transitionStatus(db, c.id, "running");
    // A writer appends events the whole time, across the disconnect.
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        await appendEvent(db, c.id, { kind: "output", text: `line ${i}` });
        await new Promise((r) => setTimeout(r, 5));
      }
    })();

    const received: number[] = [];
    const first = new AbortController();
    for await (const msg of readSse(conversationEventStream({ handle: tdb.handle, conversationId: c.id, afterSeq: 0, signal: first.signal }))) {
      received.push(Number(msg.id));
      if (received.length >= 15) break; // the client goes away mid-stream
    }
    first.abort();
    await new Promise((r) => setTimeout(r, 100)); // events keep arriving while nobody listens

    const lastEventId = received.at(-1) ?? 0;
    const second = conversationEventStream({
      handle: tdb.handle,
      conversationId: c.id,
      afterSeq: resumeSeq(new Request("http://x/e", { headers: { "last-event-id": String(lastEventId) } })),
      pollMs: 60_000, // live delivery must come from notifications, not polling
    });
    let ended: { status: string } | null = null;
    setTimeout(() => {
      writing = false;
      void writer.then(() => transitionStatus(db, c.id, "finished"));
    }, 300);
    for await (const msg of readSse(second)) {
      if (msg.event === "end") {
        ended = JSON.parse(msg.data ?? "{}") as { status: string };
        break;
      }
      received.push(Number(msg.id));
    }
    const all = await listEvents(db, c.id, 0, 1000);
    expect(ended?.status).toBe("finished");
    expect(received).toEqual(all.map((e) => e.seq));
    expect(received).toEqual(Array.from({ length: all.length }, (_, i) => i + 1));
    expect(all.at(-1)?.event).toMatchObject({ kind: "status", status: "finished" });
  });

  it("ends at once for a finished conversation after replaying it", async () => {
    const c = await insertConversation(db, userId);
    await transitionStatus(db, c.id, "cancelled");
    const msgs = [];
    for await (const m of readSse(conversationEventStream({ handle: tdb.handle, conversationId: c.id, afterSeq: 0 }))) msgs.push(m);
    expect(msgs.map((m) => m.event ?? "message")).toEqual(["message", "end"]);
  });

  it("records a run that failed before building its prompt (no user message can come after it)", async () => {
    const c = await insertConversation(db, userId);
    await transitionStatus(db, c.id, "starting");
    await transitionStatus(db, c.id, "running");
    const enqueued: string[] = [];
    const row = await finalizeRun(db, c.id, { status: "failed", reason: "clone failed", lastUserSeq: Number.MAX_SAFE_INTEGER, patch: { error: "clone failed" } }, async (id) => {
      enqueued.push(id);
    });
    expect(row?.status).toBe("failed");
    expect(enqueued).toEqual([]);
  });

  it("answers a resume point past the largest seq with no events, not a database error", async () => {
    const c = await insertConversation(db, userId);
    await appendEvent(db, c.id, { kind: "message", text: "hello" });
    expect(await listEvents(db, c.id, 3_000_000_000, 10)).toEqual([]);
    expect(await listEvents(db, c.id, Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
  });
});
