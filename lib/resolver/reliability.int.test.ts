import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shapeRedactor } from "@/lib/redaction";
import { listConversationRows } from "@/lib/conversations/testing/queries";
import { gitlabApiWithHeaders } from "@/lib/gitlab/traced-client";
import { marker } from "./markers";
import { postCommentOnce } from "./post-comment";
import { POST } from "@/app/api/gitlab/webhook/route";
import { deliveryRequest } from "@/lib/webhook-receiver/testing/receiver-fixture";
import { startHarness, waitFor, type Harness } from "./testing/harness";
import { insertCommentPost } from "./testing/queries";
import { listDeliveryRows } from "@/lib/webhook-receiver/testing/queries";

/**
 * What makes or breaks the integration in practice: GitLab redelivers, fires project and group
 * hooks for the same comment, and fails or rate-limits our calls. Each trigger must still give
 * exactly one conversation, one acknowledgment and one final comment.
 */

interface Note { id: number; body: string }

let h: Harness;

beforeAll(async () => {
  h = await startHarness(
    {
      users: [{ username: "alice", personal_access_tokens: [{ name: "tests", scopes: ["api"] }] }],
      groups: [
        { path: "duo", tier: "premium", members: [{ username: "alice", access_level: 50 }] },
        { path: "solo", tier: "free", members: [{ username: "alice", access_level: 50 }] },
      ],
      projects: [
        { namespace: "duo", path: "app", files: { "README.md": "# Duo\n" }, labels: ["openhands"] },
        { namespace: "solo", path: "quiet", files: { "README.md": "# Quiet\n" }, labels: ["openhands"] },
        { namespace: "solo", path: "flaky", files: { "README.md": "# Flaky\n" }, labels: ["openhands"] },
        { namespace: "solo", path: "lossy", files: { "README.md": "# Lossy\n" }, labels: ["openhands"] },
      ],
    },
    { link: ["alice"] },
  );
  await h.install({ resourceType: "project", resourceId: h.ids["solo/lossy"]!, resourcePath: "solo/lossy" });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

const notes = (pid: number, iid: number) => h.api<Note[]>("alice", "GET", `/projects/${pid}/issues/${iid}/notes?sort=asc&per_page=100`);
const count = (all: Note[], key: string) => all.filter((n) => n.body.includes(`<!-- openhands-agent ${key}`)).length;
const conversationsOf = async (pid: number, iid: number) =>
  (await listConversationRows(h.t.handle.db, { projectId: pid })).filter((c) => c.issueIid === iid);

async function finished(pid: number, iid: number): Promise<string> {
  const conv = await waitFor("conversation", async () => (await conversationsOf(pid, iid))[0]);
  await waitFor("final comment", async () => count(await notes(pid, iid), `final/${conv.id}/`) > 0, 40_000);
  return conv.id;
}

describe("duplicates", () => {
  it("the same delivery sent 10 times at once: ten 2xx, one conversation, one ack comment", async () => {
    const pid = h.ids["solo/quiet"]!;
    // The hook points nowhere, so the sandbox records the delivery without reaching us; we replay it.
    const { secret } = await h.install({ resourceType: "project", resourceId: pid, resourcePath: "solo/quiet", url: "http://127.0.0.1:9/unreachable" });
    const { iid } = await h.api<{ iid: number }>("alice", "POST", `/projects/${pid}/issues`, { title: "Burst" });
    const note = await h.api<{ id: number }>("alice", "POST", `/projects/${pid}/issues/${iid}/notes`, { body: "@openhands create file burst.txt with content b" });
    await h.gl.sandbox.settleDeliveries();
    const record = h.gl.sandbox.deliveries().find((d) => (d.request_body as { object_attributes?: { id?: number } }).object_attributes?.id === note.id);
    expect(record).toBeDefined();

    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        POST(deliveryRequest(record!.request_body, { token: secret, event: record!.event, idempotencyKey: record!.idempotency_key, eventUuid: record!.event_uuid })),
      ),
    );
    expect(responses.map((r) => r.status).every((s) => s >= 200 && s < 300)).toBe(true);
    await finished(pid, iid);
    expect(await conversationsOf(pid, iid)).toHaveLength(1);
    const all = await notes(pid, iid);
    expect(count(all, "ack/")).toBe(1);
    expect(count(all, "final/")).toBe(1);
  }, 60_000);

  it("a project hook and a group hook for the same comment give one conversation", async () => {
    const pid = h.ids["duo/app"]!;
    await h.install({ resourceType: "project", resourceId: pid, resourcePath: "duo/app" });
    await h.install({ resourceType: "group", resourceId: h.ids.duo!, resourcePath: "duo" });
    const { iid } = await h.api<{ iid: number }>("alice", "POST", `/projects/${pid}/issues`, { title: "Twice" });
    const note = await h.api<{ id: number }>("alice", "POST", `/projects/${pid}/issues/${iid}/notes`, { body: "@openhands create file twice.txt with content t" });
    await finished(pid, iid);

    // Both hooks' deliveries, however late the second one arrives under load.
    await h.gl.sandbox.settleDeliveries();
    // (matched through the sandbox's records: the duplicate is ignored and keeps no payload)
    const ofNote = () => h.deliveriesFor((body) => (body.object_attributes as { id?: number } | undefined)?.id === note.id);
    await waitFor("both deliveries received", async () => (await ofNote()).length === 2);
    const deliveries = await ofNote();
    expect(deliveries).toHaveLength(2);
    expect(new Set(deliveries.map((d) => d.installationId)).size).toBe(2);
    await waitFor("both deliveries processed", async () => {
      const rows = await listDeliveryRows(h.t.handle.db);
      return rows.filter((r) => deliveries.some((d) => d.id === r.id)).every((r) => r.outcome !== "pending");
    });
    const outcomes = (await listDeliveryRows(h.t.handle.db)).filter((r) => deliveries.some((d) => d.id === r.id)).map((r) => r.outcome).sort();
    expect(outcomes).toEqual(["ignored", "triggered"]);
    expect(await conversationsOf(pid, iid)).toHaveLength(1);
    const all = await notes(pid, iid);
    expect(count(all, "ack/")).toBe(1);
    expect(count(all, "final/")).toBe(1);
  }, 60_000);
});

describe("GitLab failing under us", () => {
  it("with 500s and 429s on the notes API, the ack and the final comment each appear exactly once", async () => {
    const pid = h.ids["solo/flaky"]!;
    await h.install({ resourceType: "project", resourceId: pid, resourcePath: "solo/flaky" });
    const { iid } = await h.api<{ iid: number }>("alice", "POST", `/projects/${pid}/issues`, { title: "Flaky", description: "sleep 2\ncreate file flaky.txt with content f" });
    const notesPost = `/projects/${pid}/issues/${iid}/(notes|discussions/[^/]+/notes)$`;
    const fault = (status: number, times: number, extra: Record<string, unknown> = {}) => h.gl.control("faults", { path: notesPost, method: "POST", status, times, ...extra });
    await fault(500, 2);
    await fault(429, 1, { retry_after: 1 });
    await h.api("alice", "PUT", `/projects/${pid}/issues/${iid}`, { add_labels: "openhands" });

    const conv = await waitFor("conversation", async () => (await conversationsOf(pid, iid))[0]);
    await waitFor("ack", async () => count(await notes(pid, iid), `ack/${conv.id}`) > 0, 30_000);
    // The run sleeps 2 s: fail the final comment's first attempts too.
    await fault(502, 1);
    await fault(429, 1, { retry_after: 1 });
    await waitFor("final comment", async () => count(await notes(pid, iid), `final/${conv.id}/`) > 0, 40_000);
    await new Promise((r) => setTimeout(r, 1_000));

    const all = await notes(pid, iid);
    expect(count(all, `ack/${conv.id}`)).toBe(1);
    expect(count(all, `final/${conv.id}/`)).toBe(1);
    const faults = (await h.gl.control("faults")) as { hits: number }[];
    expect(faults.reduce((sum, f) => sum + f.hits, 0)).toBe(5);
  }, 90_000);
});

describe("GitLab applying a request and failing to say so", () => {
  // `after`: the sandbox runs the real handler (the note IS created), then answers the fault, or
  // drops the connection (what a timed-out request looks like). A retry must find the note by its
  // marker instead of posting it again. One fault per comment: the first retry finds it.
  it.each([
    { name: "500 on the ack, no answer on the final comment", ack: { status: 500 }, final: { drop: true } },
    { name: "no answer on the ack, 502 on the final comment", ack: { drop: true }, final: { status: 502 } },
  ])("$name: the ack and the final comment each appear exactly once", async ({ ack, final }) => {
    const pid = h.ids["solo/lossy"]!;
    const { iid } = await h.api<{ iid: number }>("alice", "POST", `/projects/${pid}/issues`, { title: "Lossy", description: "sleep 2\ncreate file lossy.txt with content l" });
    const fault = async (extra: Record<string, unknown>) =>
      (await h.gl.control("faults", { path: `/projects/${pid}/issues/${iid}/(notes|discussions/[^/]+/notes)$`, method: "POST", times: 1, after: true, ...extra })) as { id: number };
    const ackFault = await fault(ack);
    await h.api("alice", "PUT", `/projects/${pid}/issues/${iid}`, { add_labels: "openhands" });

    const conv = await waitFor("conversation", async () => (await conversationsOf(pid, iid))[0]);
    await waitFor("ack", async () => count(await notes(pid, iid), `ack/${conv.id}`) > 0, 30_000);
    const finalFault = await fault(final); // the run sleeps 2 s
    await waitFor("final comment", async () => count(await notes(pid, iid), `final/${conv.id}/`) > 0, 40_000);
    const ended = await waitFor("the conversation to end", async () => {
      const row = (await conversationsOf(pid, iid))[0];
      return row && ["finished", "failed", "cancelled"].includes(row.status) ? row : null;
    });
    await new Promise((r) => setTimeout(r, 1_000));

    const all = await notes(pid, iid);
    expect(count(all, `ack/${conv.id}`)).toBe(1);
    expect(count(all, `final/${conv.id}/`)).toBe(1);
    expect(ended.status).toBe("finished");
    const hits = new Map(((await h.gl.control("faults")) as { id: number; hits: number }[]).map((f) => [f.id, f.hits]));
    expect([hits.get(ackFault.id), hits.get(finalFault.id)]).toEqual([1, 1]);
  }, 90_000);
});

describe("comments are idempotent under retries", () => {
  it("a retried post finds its comment by the hidden marker and does not post it again", async () => {
    const pid = h.ids["solo/flaky"]!;
    const { iid } = await h.api<{ iid: number }>("alice", "POST", `/projects/${pid}/issues`, { title: "Crash after post" });
    // An earlier attempt posted the comment, then the worker died before recording it.
    const landed = await h.api<{ id: number }>("alice", "POST", `/projects/${pid}/issues/${iid}/notes`, { body: `I'm on it\n\n${marker("ack/crash-test")}` });
    await insertCommentPost(h.t.handle.db, { key: "ack/crash-test", markerKey: "ack/crash-test", projectId: pid, noteableType: "issue", noteableIid: iid, attempts: 1 });

    const api = gitlabApiWithHeaders({ baseUrl: h.gl.sandbox.url, token: h.users.alice!.token, headers: {} });
    const target = { type: "issue" as const, projectId: pid, iid };
    const first = await postCommentOnce(h.t.handle.db, api, { key: "ack/crash-test", target, body: shapeRedactor.text("I'm on it") });
    expect(first).toEqual({ noteId: landed.id, reused: true });
    const again = await postCommentOnce(h.t.handle.db, api, { key: "ack/crash-test", target, body: shapeRedactor.text("I'm on it") });
    expect(again).toEqual({ noteId: landed.id, reused: true });
    expect(count(await notes(pid, iid), "ack/crash-test")).toBe(1);
  }, 30_000);
});
