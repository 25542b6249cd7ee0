import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "@/app/api/gitlab/webhook/route";
import { listConversationRows } from "@/lib/conversations/testing/queries";
import { deliveryRequest } from "@/lib/webhook-receiver/testing/receiver-fixture";
import type { TestInstallation } from "@/lib/webhook-receiver/testing/receiver-fixture";
import { labelAddedEvent } from "./testing/payloads";
import { startHarness, waitFor, type Harness } from "./testing/harness";
import { listDeliveryRows } from "@/lib/webhook-receiver/testing/queries";

/**
 * A webhook body is only as trusted as the installation whose secret signed it. Someone holding one
 * installation's secret (an owner of project Z knows its hook's) must not be able to make the app act
 * on another installation's project, nor in the name of someone who did not write the comment.
 */

type Json = Record<string, unknown>;
interface Note { id: number; body: string; system: boolean; author: { username: string } }

let h: Harness;
let pid: number;
let victim: TestInstallation;
let ownProject: TestInstallation;
let ownGroup: TestInstallation;

// Hooks point at a sink that answers 200 and keeps nothing (an unreachable URL would get the hook
// disabled after a few failures): the sandbox records each delivery, and the test sends the
// (possibly altered) body itself with the token it chooses.
let sink: Server;
let SINK = "";

beforeAll(async () => {
  sink = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(200).end());
  });
  await new Promise<void>((resolve) => sink.listen(0, "127.0.0.1", resolve));
  SINK = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/sink`;
  h = await startHarness(
    {
      users: ["alice", "gary", "mallory", "dora"].map((username) => ({ username, personal_access_tokens: [{ name: "tests", scopes: ["api"] }] })),
      groups: [
        { path: "acme", tier: "premium", members: [{ username: "alice", access_level: 50 }] },
        { path: "zed", tier: "free", members: [{ username: "alice", access_level: 50 }, { username: "mallory", access_level: 50 }] },
      ],
      projects: [
        { namespace: "acme", path: "app", files: { "README.md": "# App\n" }, labels: ["openhands"], members: [{ username: "gary", access_level: 10 }, { username: "dora", access_level: 30 }] },
        { namespace: "zed", path: "own", files: { "README.md": "# Own\n" }, labels: ["openhands"] },
      ],
    },
    { link: ["alice", "gary", "dora"] },
  );
  pid = h.ids["acme/app"]!;
  victim = await h.install({ resourceType: "project", resourceId: pid, resourcePath: "acme/app", url: SINK });
  ownProject = await h.install({ resourceType: "project", resourceId: h.ids["zed/own"]!, resourcePath: "zed/own", url: SINK });
  ownGroup = await h.install({ resourceType: "group", resourceId: h.ids.zed!, resourcePath: "zed", url: SINK });
}, 60_000);

afterAll(async () => {
  await h?.close();
  await new Promise<void>((resolve) => (sink ? sink.close(() => resolve()) : resolve()));
});

const notes = (iid: number) => h.api<Note[]>("alice", "GET", `/projects/${pid}/issues/${iid}/notes?sort=asc&per_page=100`);
const conversationsOf = async (iid: number) => (await listConversationRows(h.t.handle.db, { projectId: pid })).filter((c) => c.issueIid === iid);

/** The body GitLab sent for a note (deep-copied, so the test can alter it). */
async function recordedNoteBody(noteId: number): Promise<{ body: Json; event: string }> {
  await h.gl.sandbox.settleDeliveries();
  const record = h.gl.sandbox.deliveries().find((d) => (d.request_body as { object_attributes?: { id?: number } }).object_attributes?.id === noteId);
  if (!record) throw new Error(`no delivery recorded for note ${noteId}`);
  return { body: structuredClone(record.request_body) as Json, event: record.event };
}

/** Sends a delivery signed with `inst`'s secret and waits for the worker's outcome. */
async function deliver(inst: TestInstallation, body: Json, event: string) {
  const key = crypto.randomUUID();
  const res = await POST(deliveryRequest(body, { token: inst.secret, event, idempotencyKey: key }));
  expect(res.status).toBe(202);
  return waitFor("delivery outcome", async () => {
    const [row] = await listDeliveryRows(h.t.handle.db, { idempotencyKey: key });
    return row && row.outcome !== "pending" ? row : null;
  });
}

async function triggerComment(body: string, as = "alice") {
  const { iid } = await h.api<{ iid: number }>("alice", "POST", `/projects/${pid}/issues`, { title: `Forgery ${crypto.randomUUID().slice(0, 8)}` });
  const note = await h.api<{ id: number }>(as, "POST", `/projects/${pid}/issues/${iid}/notes`, { body });
  return { iid, noteId: note.id };
}

/** Nothing happened on GitLab for the issue: only the comments the test wrote, no conversation. */
async function expectUntouched(iid: number, ownNotes: number) {
  await new Promise((r) => setTimeout(r, 500));
  expect(await conversationsOf(iid)).toHaveLength(0);
  expect((await notes(iid)).filter((n) => !n.system)).toHaveLength(ownNotes);
}

describe("a delivery for a project outside its installation", () => {
  it("another project's secret: refused, no conversation, no comment; the same body with the right secret triggers", async () => {
    const { iid, noteId } = await triggerComment("@openhands create file forged.txt with content f");
    const { body, event } = await recordedNoteBody(noteId);

    const forged = await deliver(ownProject, body, event);
    expect(forged.outcome).toBe("refused");
    expect(forged.reason).toBe("project is outside this webhook's project");
    await expectUntouched(iid, 1);

    const genuine = await deliver(victim, body, event);
    expect(genuine.outcome).toBe("triggered");
    expect(await conversationsOf(iid)).toHaveLength(1);
    // Let the run end (its final comment) before the next test and the teardown.
    await waitFor("final comment", async () => (await notes(iid)).some((n) => n.body.includes(`<!-- openhands-agent final/${genuine.conversationId}/`)), 40_000);
  }, 60_000);

  it("a group's secret, with a body naming a project of another group: refused", async () => {
    const { iid, noteId } = await triggerComment("@openhands create file forged.txt with content g");
    const { body, event } = await recordedNoteBody(noteId);
    const refused = await deliver(ownGroup, body, event);
    expect(refused.outcome).toBe("refused");
    expect(refused.reason).toBe("project is outside this webhook's group");
    await expectUntouched(iid, 1);
  }, 60_000);

  it("a group's secret, with the other project's id under a path inside the group: GitLab's path decides, refused", async () => {
    const { iid, noteId } = await triggerComment("@openhands create file forged.txt with content p");
    const { body, event } = await recordedNoteBody(noteId);
    (body.project as Json).path_with_namespace = "zed/app";
    const refused = await deliver(ownGroup, body, event);
    expect(refused.outcome).toBe("refused");
    expect(refused.reason).toBe("project is outside this webhook's group");
    await expectUntouched(iid, 1);
  }, 60_000);
});

describe("a trigger that GitLab does not confirm", () => {
  it("a Guest's comment whose author was changed to a linked Owner: refused, no run, no reply", async () => {
    const { iid, noteId } = await triggerComment("@openhands create file guest.txt with content g", "gary");
    const { body, event } = await recordedNoteBody(noteId);
    const alice = { id: h.users.alice!.id, username: "alice", name: "alice" };
    body.user = { ...(body.user as Json), ...alice };
    (body.object_attributes as Json).author_id = alice.id;

    const refused = await deliver(victim, body, event);
    expect(refused.outcome).toBe("refused");
    expect(refused.reason).toBe("the trigger could not be confirmed with GitLab (the comment has another author)");
    await expectUntouched(iid, 1);
  }, 60_000);

  it("a comment whose text was changed into a trigger: refused", async () => {
    const { iid, noteId } = await triggerComment("thanks, looks good");
    const { body, event } = await recordedNoteBody(noteId);
    (body.object_attributes as Json).note = "@openhands create file text.txt with content t";
    const refused = await deliver(victim, body, event);
    expect(refused.outcome).toBe("refused");
    expect(refused.reason).toBe("the trigger could not be confirmed with GitLab (the comment's text differs)");
    await expectUntouched(iid, 1);
  }, 60_000);

  it("a comment id that does not exist: refused", async () => {
    const { iid, noteId } = await triggerComment("@openhands create file ghost.txt with content g");
    const { body, event } = await recordedNoteBody(noteId);
    (body.object_attributes as Json).id = noteId + 100_000;
    const refused = await deliver(victim, body, event);
    expect(refused.outcome).toBe("refused");
    expect(refused.reason).toBe("the trigger could not be confirmed with GitLab (not found)");
    await expectUntouched(iid, 1);
  }, 60_000);

  it("a label-added event for an issue that does not carry the label: refused", async () => {
    const { iid } = await h.api<{ iid: number }>("alice", "POST", `/projects/${pid}/issues`, { title: "No label here" });
    const body = labelAddedEvent({ projectId: pid, iid, userId: h.users.alice!.id, username: "alice" });
    const refused = await deliver(victim, body, "Issue Hook");
    expect(refused.outcome).toBe("refused");
    expect(refused.reason).toBe("the trigger could not be confirmed with GitLab (the issue does not carry the openhands label)");
    await expectUntouched(iid, 0);
  }, 60_000);

  // Issue 13: who added the label is what GitLab's resource label events say, not the body's `user`.
  it("a label added by a Guest, in a delivery that claims a Developer: refused as the Guest", async () => {
    const { iid } = await h.api<{ iid: number }>("gary", "POST", `/projects/${pid}/issues`, { title: "Guest's own issue" });
    await h.api("gary", "PUT", `/projects/${pid}/issues/${iid}`, { add_labels: "openhands" });
    await h.gl.sandbox.settleDeliveries();
    const record = h.gl.sandbox
      .deliveries()
      .filter((d) => d.event === "Issue Hook" && (d.request_body as { object_attributes?: { iid?: number } }).object_attributes?.iid === iid)
      .find((d) => (d.request_body as { changes?: { labels?: unknown } }).changes?.labels !== undefined);
    if (!record) throw new Error("no label delivery recorded");
    const body = structuredClone(record.request_body) as Json;
    expect((body.user as Json).username).toBe("gary");
    const dora = { id: h.users.dora!.id, username: "dora", name: "dora" };
    body.user = { ...(body.user as Json), ...dora };

    const refused = await deliver(victim, body, "Issue Hook");
    expect(refused.outcome).toBe("refused");
    expect(refused.reason).toBe("@gary has Guest access; Developer or higher is required");
    expect(await conversationsOf(iid)).toHaveLength(0);
    const replies = (await notes(iid)).filter((n) => !n.system);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.body).toMatch(/^@gary, I can only work on requests from project members with the Developer role or higher, and you have Guest access/);
  }, 60_000);

  it("the same label added by the Developer: GitLab confirms her, and the run is hers", async () => {
    const { iid } = await h.api<{ iid: number }>("gary", "POST", `/projects/${pid}/issues`, { title: "Developer labels it", description: "answer: hello" });
    await h.api("dora", "PUT", `/projects/${pid}/issues/${iid}`, { add_labels: "openhands" });
    await h.gl.sandbox.settleDeliveries();
    const record = h.gl.sandbox
      .deliveries()
      .filter((d) => d.event === "Issue Hook" && (d.request_body as { object_attributes?: { iid?: number } }).object_attributes?.iid === iid)
      .find((d) => (d.request_body as { changes?: { labels?: unknown } }).changes?.labels !== undefined);
    if (!record) throw new Error("no label delivery recorded");
    const body = structuredClone(record.request_body) as Json;
    // The body now claims the Guest: GitLab's label event still says dora added it.
    body.user = { ...(body.user as Json), id: h.users.gary!.id, username: "gary", name: "gary" };
    const triggered = await deliver(victim, body, "Issue Hook");
    expect(triggered.outcome).toBe("triggered");
    const [conv] = await conversationsOf(iid);
    expect(conv?.userId).toBe(h.users.dora!.linked!.userId);
    await waitFor("final comment", async () => (await notes(iid)).some((n) => n.body.includes(`<!-- openhands-agent final/${conv!.id}/`)), 40_000);
  }, 60_000);
});
