// The hook delivery log and resend API (project and group), as GitLab documents them: failed events
// listed with a status filter and pagination, nothing logged while the hook is disabled, resend with
// the same Idempotency-Key and 5 resends a minute; and resource label events.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "./index";
import { shapeDiff } from "./shape-diff";
import { apiClient, arr, fixture, obj, startReceiver, type Receiver } from "./test-support";

let sandbox: Sandbox;
let receiver: Receiver;
let api: ReturnType<typeof apiClient>;
const P = "/projects/erin%2Flog";

beforeAll(async () => {
  sandbox = await startSandbox();
  receiver = await startReceiver();
  const seed = await sandbox.seed({
    users: [{ username: "erin", personal_access_tokens: [{ name: "t", scopes: ["api"] }] }],
    groups: [{ path: "corp", tier: "premium", members: [{ username: "erin", access_level: 50 }] }],
    projects: [
      { namespace: "erin", path: "log", labels: ["openhands"], issues: [{ title: "One", author: "erin" }] },
      { namespace: "corp", path: "svc", issues: [{ title: "Corp issue", author: "erin" }] },
    ],
  });
  api = apiClient(sandbox.url, seed.users[0]!.personal_access_tokens[0]!.token);
});

afterAll(async () => {
  await sandbox?.close();
  await receiver?.close();
});

const comment = (n: number) => api("POST", `${P}/issues/1/notes`, { body: `comment ${n}` });

describe("hook events and resend", () => {
  it("logs failures, stops logging while disabled, filters by status, pages, and resends with the same key", async () => {
    const hook = obj((await api("POST", `${P}/hooks`, { url: receiver.url, token: "s3cret", note_events: true, push_events: false })).body);
    const events = `${P}/hooks/${String(hook.id)}/events`;
    receiver.respond = () => 503;
    for (let n = 1; n <= 6; n++) {
      await comment(n);
      await sandbox.settleDeliveries();
    }
    // 4 failures disable the hook; the 5th and 6th comments are not sent and not logged.
    expect(obj((await api("GET", `${P}/hooks/${String(hook.id)}`)).body).alert_status).toBe("temporarily_disabled");
    const all = await api("GET", events);
    expect(arr(all.body)).toHaveLength(4);
    expect(all.headers.get("x-total")).toBe("4");
    // The official example's keys, request headers and types (its request_data is a push event).
    const official = obj(fixture("api_project_hook_event_log_entry.json"));
    const entry = obj(arr(all.body)[0]);
    expect(Object.keys(entry).sort()).toEqual(Object.keys(official).sort());
    expect(shapeDiff({ ...official, request_data: {}, response_headers: {} }, { ...entry, request_data: {}, response_headers: {} })).toEqual([]);
    expect(arr((await api("GET", `${events}?status=server_failure`)).body)).toHaveLength(4);
    expect(arr((await api("GET", `${events}?status=successful`)).body)).toHaveLength(0);
    expect(arr((await api("GET", `${events}?status=503`)).body)).toHaveLength(4);
    expect((await api("GET", `${events}?status=42`)).status).toBe(400);
    const page = await api("GET", `${events}?per_page=3&page=2`);
    expect(arr(page.body)).toHaveLength(1);
    expect(page.headers.get("x-total-pages")).toBe("2");

    // A disabled hook does not execute a resend.
    const first = obj(arr(all.body)[3]);
    expect((await api("POST", `${events}/${String(first.id)}/resend`)).status).toBe(422);

    // A successful test request re-enables it (GitLab's documented way back); then resend works.
    receiver.respond = () => 200;
    expect((await api("POST", `${P}/hooks/${String(hook.id)}/test/note_events`)).status).toBe(201);
    const before = receiver.received.length;
    const resent = await api("POST", `${events}/${String(first.id)}/resend`);
    expect(resent.status).toBe(201);
    expect(obj(resent.body).response_status).toBe(200);
    const again = receiver.received.slice(before).find((h) => h.headers["x-gitlab-event"] === "Note Hook");
    expect(again?.headers["idempotency-key"]).toBe(obj(first.request_headers)["Idempotency-Key"]);

    // 5 resends a minute per user and project: the first resend and the 422 above took 2 slots.
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await api("POST", `${events}/${String(first.id)}/resend`)).status);
    expect(statuses).toEqual([201, 201, 201, 429]);
  });

  it("a group hook: disabled after 4 failures, its log listed, and re-enabled by a group test request", async () => {
    const G = "/groups/corp";
    const hook = obj((await api("POST", `${G}/hooks`, { url: receiver.url, token: "s3cret", note_events: true, push_events: false })).body);
    receiver.respond = () => 500;
    for (let n = 1; n <= 4; n++) {
      await api("POST", "/projects/corp%2Fsvc/issues/1/notes", { body: `group comment ${n}` });
      await sandbox.settleDeliveries();
    }
    expect(obj((await api("GET", `${G}/hooks/${String(hook.id)}`)).body).alert_status).toBe("temporarily_disabled");
    expect(arr((await api("GET", `${G}/hooks/${String(hook.id)}/events?status=server_failure`)).body)).toHaveLength(4);
    receiver.respond = () => 200;
    expect((await api("POST", `${G}/hooks/${String(hook.id)}/test/note_events`)).status).toBe(201);
    expect(obj((await api("GET", `${G}/hooks/${String(hook.id)}`)).body).alert_status).toBe("executable");
  });

  it("lists resource label events of an issue with who added which label", async () => {
    await api("PUT", `${P}/issues/1`, { add_labels: "openhands" });
    await api("PUT", `${P}/issues/1`, { remove_labels: "openhands" });
    const list = arr((await api("GET", `${P}/issues/1/resource_label_events`)).body).map(obj);
    expect(list.map((e) => [e.action, obj(e.label).name, obj(e.user).username])).toEqual([
      ["add", "openhands", "erin"],
      ["remove", "openhands", "erin"],
    ]);
    const issue = obj((await api("GET", `${P}/issues/1`)).body);
    expect(Date.parse(String(list[1]?.created_at))).toBe(Date.parse(String(issue.updated_at)));
  });
});
