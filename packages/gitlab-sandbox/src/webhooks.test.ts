// Webhook deliveries to a local receiver: headers, payloads, confidential variants, group hooks by
// tier, auto-disabling after failures, timeouts and resend with the same Idempotency-Key.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "./index";
import { apiClient, arr, obj, startReceiver, type Receiver } from "./test-support";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let sandbox: Sandbox;
let receiver: Receiver;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  sandbox = await startSandbox();
  receiver = await startReceiver();
  const seed = await sandbox.seed({
    users: [{ username: "erin", personal_access_tokens: [{ name: "t", scopes: ["api"] }] }],
    groups: [
      { path: "paid", tier: "premium", members: [{ username: "erin", access_level: 50 }] },
      { path: "team", parent: "paid", members: [] },
      { path: "freebies", tier: "free", members: [{ username: "erin", access_level: 50 }] },
    ],
    projects: [
      { namespace: "paid/team", path: "app", labels: ["bug", "agent"], issues: [{ title: "Crash on start", author: "erin" }] },
      { namespace: "freebies", path: "tool", issues: [{ title: "Free issue", author: "erin" }] },
      { namespace: "erin", path: "solo", issues: [{ title: "Solo issue", author: "erin" }] },
    ],
  });
  api = apiClient(sandbox.url, seed.users[0]!.personal_access_tokens[0]!.token);
});

afterAll(async () => {
  await sandbox?.close();
  await receiver?.close();
});

describe("webhook deliveries", () => {
  it("labelling an issue delivers an Issue Hook with GitLab's headers and changes.labels", async () => {
    const hook = await api("POST", "/projects/paid%2Fteam%2Fapp/hooks", { url: receiver.url, token: "s3cret", issues_events: true, push_events: false });
    expect(hook.status).toBe(201);
    expect(obj(hook.body)).not.toHaveProperty("token");
    const before = receiver.received.length;
    const res = await api("PUT", "/projects/paid%2Fteam%2Fapp/issues/1", { add_labels: "agent" });
    expect(res.status).toBe(200);
    const got = await receiver.waitFor((h) => receiver.received.indexOf(h) >= before && h.headers["x-gitlab-event"] === "Issue Hook");
    expect(got.headers["content-type"]).toBe("application/json");
    expect(got.headers["user-agent"]).toMatch(/^GitLab\/\d+\.\d+\.\d+/);
    expect(got.headers["x-gitlab-token"]).toBe("s3cret");
    expect(got.headers["x-gitlab-instance"]).toBe(sandbox.url);
    expect(got.headers["x-gitlab-webhook-uuid"]).toMatch(UUID);
    expect(got.headers["x-gitlab-event-uuid"]).toMatch(UUID);
    expect(got.headers["idempotency-key"]).toMatch(UUID);
    const body = obj(got.body);
    expect(body.object_kind).toBe("issue");
    expect(obj(body.object_attributes).action).toBe("update");
    const labels = obj(obj(body.changes).labels);
    expect(arr(labels.previous)).toEqual([]);
    expect(arr(labels.current).map((l) => obj(l).title)).toEqual(["agent"]);
    await api("DELETE", `/projects/paid%2Fteam%2Fapp/hooks/${String(obj(hook.body).id)}`);
  });

  it("turns a hook temporarily_disabled after four failed deliveries, and skips it then", async () => {
    const failing = await startReceiver();
    failing.respond = () => 500;
    try {
      const created = obj((await api("POST", "/projects/erin%2Fsolo/hooks", { url: failing.url, note_events: true })).body);
      for (let i = 0; i < 4; i++) expect((await api("POST", "/projects/erin%2Fsolo/issues/1/notes", { body: `try ${i}` })).status).toBe(201);
      await sandbox.settleDeliveries();
      expect(failing.received).toHaveLength(4);
      const hook = obj((await api("GET", `/projects/erin%2Fsolo/hooks/${String(created.id)}`)).body);
      expect(hook.alert_status).toBe("temporarily_disabled");
      const until = Date.parse(String(hook.disabled_until));
      expect(until - Date.now()).toBeGreaterThan(50_000);
      expect(until - Date.now()).toBeLessThanOrEqual(60_000);
      await api("POST", "/projects/erin%2Fsolo/issues/1/notes", { body: "ignored" });
      await sandbox.settleDeliveries();
      expect(failing.received).toHaveLength(4);
      const records = sandbox.deliveries().filter((d) => d.hook_id === created.id);
      expect(records.map((d) => d.status)).toEqual([500, 500, 500, 500]);
      // A failing test request keeps it disabled; a successful one re-enables it.
      expect((await api("POST", `/projects/erin%2Fsolo/hooks/${String(created.id)}/test/note_events`)).status).toBe(422);
      failing.respond = () => 200;
      expect(await api("POST", `/projects/erin%2Fsolo/hooks/${String(created.id)}/test/note_events`)).toMatchObject({ status: 201, body: { message: "201 Created" } });
      expect(obj((await api("GET", `/projects/erin%2Fsolo/hooks/${String(created.id)}`)).body)).toMatchObject({ alert_status: "executable", disabled_until: null });
    } finally {
      await failing.close();
    }
  });

  it("resends a delivery with the same Idempotency-Key and a new webhook UUID", async () => {
    const hook = obj((await api("POST", "/projects/erin%2Fsolo/hooks", { url: receiver.url, issues_events: true })).body);
    await api("PUT", "/projects/erin%2Fsolo/issues/1", { title: "Solo issue, renamed" });
    await sandbox.settleDeliveries();
    const original = sandbox.deliveries().find((d) => d.hook_id === hook.id);
    expect(original?.status).toBe(200);
    const res = await fetch(`${sandbox.url}/-/sandbox/deliveries/${original!.id}/resend`, { method: "POST" });
    expect(res.status).toBe(201);
    await sandbox.settleDeliveries();
    const both = receiver.received.filter((h) => h.headers["idempotency-key"] === original!.idempotency_key);
    expect(both).toHaveLength(2);
    expect(both[0]!.headers["x-gitlab-webhook-uuid"]).not.toBe(both[1]!.headers["x-gitlab-webhook-uuid"]);
    expect(both[0]!.raw).toBe(both[1]!.raw);
    await api("DELETE", `/projects/erin%2Fsolo/hooks/${String(hook.id)}`);
  });

  it("uses the confidential variants for confidential issues and their notes", async () => {
    const plain = obj((await api("POST", "/projects/erin%2Fsolo/hooks", { url: `${receiver.url}?plain`, issues_events: true, note_events: true })).body);
    const secret = obj((await api("POST", "/projects/erin%2Fsolo/hooks", { url: `${receiver.url}?secret`, confidential_issues_events: true, confidential_note_events: true })).body);
    const issue = obj((await api("POST", "/projects/erin%2Fsolo/issues", { title: "Security hole", confidential: true })).body);
    await api("POST", `/projects/erin%2Fsolo/issues/${String(issue.iid)}/notes`, { body: "fixing" });
    await sandbox.settleDeliveries();
    const events = (id: unknown): string[] => sandbox.deliveries().filter((d) => d.hook_id === id).map((d) => d.event);
    expect(events(plain.id)).toEqual([]);
    expect(events(secret.id)).toEqual(["Confidential Issue Hook", "Confidential Note Hook"]);
    const note = sandbox.deliveries().find((d) => d.hook_id === secret.id && d.event === "Confidential Note Hook");
    expect(obj(note?.request_body).event_type).toBe("confidential_note");
    for (const h of [plain, secret]) await api("DELETE", `/projects/erin%2Fsolo/hooks/${String(h.id)}`);
  });

  it("delivers ancestor group hooks on paid tiers only, and sends note updates", async () => {
    const paid = await api("POST", "/groups/paid/hooks", { url: `${receiver.url}?group`, note_events: true });
    expect(paid.status).toBe(201);
    const free = await api("POST", "/groups/freebies/hooks", { url: `${receiver.url}?free`, note_events: true });
    expect(free.status).toBe(201); // GitLab accepts it; a Free namespace never fires it
    const note = obj((await api("POST", "/projects/paid%2Fteam%2Fapp/issues/1/notes", { body: "hello" })).body);
    await api("PUT", `/projects/paid%2Fteam%2Fapp/issues/1/notes/${String(note.id)}`, { body: "hello, edited" });
    await api("POST", "/projects/freebies%2Ftool/issues/1/notes", { body: "nobody hears this" });
    await sandbox.settleDeliveries();
    const groupRecords = sandbox.deliveries().filter((d) => d.hook_id === obj(paid.body).id);
    expect(groupRecords.map((d) => obj(obj(d.request_body).object_attributes).action)).toEqual(["create", "update"]);
    expect(sandbox.deliveries().filter((d) => d.hook_id === obj(free.body).id)).toEqual([]);

    await fetch(`${sandbox.url}/-/sandbox/config`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ free_tier_group_hooks: "forbidden" }) });
    expect((await api("GET", "/groups/freebies/hooks")).status).toBe(403);
    expect((await api("GET", "/groups/paid/hooks")).status).toBe(200);
    await fetch(`${sandbox.url}/-/sandbox/config`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ free_tier_group_hooks: "accept" }) });
  });

  it("records a timeout as a failed delivery", async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const port = (silent.address() as AddressInfo).port;
    try {
      await fetch(`${sandbox.url}/-/sandbox/config`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ webhook_timeout_ms: 200 }) });
      const hook = obj((await api("POST", "/projects/erin%2Fsolo/hooks", { url: `http://127.0.0.1:${port}/`, issues_events: true })).body);
      await api("PUT", "/projects/erin%2Fsolo/issues/1", { title: "Timeout please" });
      await sandbox.settleDeliveries();
      const record = sandbox.deliveries().find((d) => d.hook_id === hook.id);
      expect(record?.status).toBeNull();
      expect(record?.error).toMatch(/timeout/i);
      expect(sandbox.store.hooks.get(Number(hook.id))?.recentFailures).toBe(1);
    } finally {
      await fetch(`${sandbox.url}/-/sandbox/config`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ webhook_timeout_ms: 10_000 }) });
      silent.closeAllConnections();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });
});
