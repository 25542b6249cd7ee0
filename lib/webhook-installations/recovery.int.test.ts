import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WebhookInstallation } from "@/db/schema";
import { startHarness, waitFor, type Harness } from "@/lib/resolver/testing/harness";
import { listDeliveryRows } from "@/lib/webhook-receiver/testing/queries";
import { deliveryRequest } from "@/lib/webhook-receiver/testing/receiver-fixture";
import { POST } from "@/app/api/gitlab/webhook/route";
import { recoverInstallation, type RecoveryOptions } from "./recovery";
import { listConversationRows } from "@/lib/conversations/testing/queries";
import { getInstallationById } from "./queries";
import { updateInstallation } from "./testing/queries";

/**
 * Recovery of missed deliveries against the GitLab sandbox and the real receiver and worker: the
 * app "goes down" (its URL refuses connections), triggers are made until GitLab disables the hook,
 * the app comes back, and one recovery pass must give every trigger exactly one run and one
 * acknowledgment, re-enable the hook, and keep a late delivery from starting a second run. Stale
 * triggers get one comment saying why they were not run.
 */

interface Note { id: number; body: string; system: boolean }

let h: Harness;
let pid: number;
let front: { server: Server; url: string; up: boolean };
let inst: { installation: WebhookInstallation; secret: string };
let hookId: number;

const SEED = {
  users: ["alice"].map((username) => ({ username, personal_access_tokens: [{ name: "tests", scopes: ["api"] }] })),
  projects: [{ namespace: "alice", path: "svc", files: { "README.md": "# Svc\n" }, labels: ["openhands"] }],
};

/** The app's public address: forwards to the receiver when up, refuses (resets) when down. */
function startFront(target: string): Promise<typeof front> {
  const state = { up: true } as typeof front;
  state.server = createServer((req, res) => {
    if (!state.up) {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string" && k !== "host" && k !== "content-length") headers[k] = v;
      fetch(target, { method: "POST", headers, body: Buffer.concat(chunks) })
        .then(async (r) => {
          res.writeHead(r.status, { "content-type": "application/json" });
          res.end(await r.text());
        })
        .catch(() => req.socket.destroy());
    });
  });
  return new Promise((resolve) =>
    state.server.listen(0, "127.0.0.1", () => {
      state.url = `http://127.0.0.1:${(state.server.address() as AddressInfo).port}/api/gitlab/webhook`;
      resolve(state);
    }),
  );
}

const options = (over: Partial<RecoveryOptions> = {}): RecoveryOptions => ({ oauth: h.gl.oauth, botToken: null, staleHours: 24, maxWaitSeconds: 2, ...over });
const api = <T>(method: string, path: string, body?: unknown) => h.api<T>("alice", method, path, body);
const notes = (iid: number) => api<Note[]>("GET", `/projects/${pid}/issues/${iid}/notes?sort=asc&per_page=100`);
const hook = () => api<{ alert_status: string }>("GET", `/projects/${pid}/hooks/${hookId}`);
const newIssue = async (title: string) => (await api<{ iid: number }>("POST", `/projects/${pid}/issues`, { title, description: "answer: done" })).iid;
const row = async () => (await getInstallationById(h.t.handle.db, inst.installation.id))!;
const conversationsOf = async (iid: number) => await listConversationRows(h.t.handle.db, { projectId: pid, issueIid: iid });
const acksOn = async (iid: number) => (await notes(iid)).filter((n) => n.body.includes("<!-- openhands-agent ack/"));

beforeAll(async () => {
  h = await startHarness(SEED, { link: ["alice"] });
  // The passes here are the test's own: the every-5-minutes pass of the worker must not run one
  // beside them (it would be harmless, but the counts asserted below would be split between the two).
  await h.queue.boss.unschedule("hooks.recover");
  pid = h.ids["alice/svc"]!;
  front = await startFront(h.receiverUrl);
  inst = await h.install({ resourceType: "project", resourceId: pid, resourcePath: "alice/svc", url: front.url });
  const hooks = await api<{ id: number }[]>("GET", `/projects/${pid}/hooks`);
  hookId = hooks[0]!.id;
  await updateInstallation(h.t.handle.db, inst.installation.id, { gitlabHookId: hookId, installedAt: new Date(Date.now() - 3_600_000) });
}, 60_000);

afterAll(async () => {
  await new Promise<void>((resolve) => front?.server.close(() => resolve()));
  front?.server.closeAllConnections();
  await h?.close();
});

describe("recovery after an outage", () => {
  const issues: number[] = [];

  it("every trigger made while the app was down gets one run and one acknowledgment, and the hook works again", async () => {
    for (let i = 0; i < 5; i++) issues.push(await newIssue(`Outage ${i}`));
    await h.gl.sandbox.settleDeliveries();
    front.up = false;
    // Three labels and two comments: 4 failed deliveries disable the hook; the 5th is never sent.
    for (const iid of issues.slice(0, 3)) {
      await api("PUT", `/projects/${pid}/issues/${iid}`, { add_labels: "openhands" });
      await h.gl.sandbox.settleDeliveries();
    }
    for (const iid of issues.slice(3)) {
      await api("POST", `/projects/${pid}/issues/${iid}/notes`, { body: "@openhands answer: recovered" });
      await h.gl.sandbox.settleDeliveries();
    }
    expect((await hook()).alert_status).toBe("temporarily_disabled");
    expect(await listConversationRows(h.t.handle.db)).toHaveLength(0);

    front.up = true;
    const result = await recoverInstallation(h.t.handle, await row(), options());
    expect(result).toMatchObject({ reenabled: true, error: null });
    // The 4 logged failures are resent. The 5th trigger was never sent: the sweep finds it, unless the
    // test request that re-enabled the hook already carried it (GitLab's sample is the latest comment).
    expect(result.resent).toBe(4);
    expect(result.recovered).toBeGreaterThanOrEqual(4);
    expect((await hook()).alert_status).toBe("executable");

    for (const iid of issues) {
      await waitFor(`the run on #${iid} to finish`, async () => (await conversationsOf(iid)).find((c) => c.status === "finished"), 40_000);
      await waitFor(`the final comment on #${iid}`, async () => (await notes(iid)).some((n) => n.body.includes("<!-- openhands-agent final/")), 20_000);
      expect(await conversationsOf(iid)).toHaveLength(1);
      expect(await acksOn(iid)).toHaveLength(1);
    }
    // The trigger says how the run ended: ✅ on the issue for a label, on the comment for a comment, 👀 gone.
    for (const iid of issues.slice(0, 3)) {
      await waitFor(`✅ on #${iid}`, async () => (await api<{ name: string }[]>("GET", `/projects/${pid}/issues/${iid}/award_emoji`)).map((a) => a.name).join(",") === "white_check_mark", 10_000);
    }
    for (const iid of issues.slice(3)) {
      const trigger = (await notes(iid)).find((n) => n.body.startsWith("@openhands"))!;
      await waitFor(`✅ alone on the comment of #${iid}`, async () => (await api<{ name: string }[]>("GET", `/projects/${pid}/issues/${iid}/notes/${trigger.id}/award_emoji`)).map((a) => a.name).join(",") === "white_check_mark", 10_000);
    }
    const after = await row();
    expect(after.recoveredCount).toBe(result.recovered);
    expect(after.reenabledCount).toBe(1);
    expect(after.recoveryRanAt).not.toBeNull();
  });

  it("a later delivery, a resend and a second pass start no second run", async () => {
    // GitLab's log: resend a failed event again (same Idempotency-Key; recovery used 4 of the 5
    // resends a minute), and deliver each body again under a new key, as a late duplicate would.
    const events = await api<{ id: number; response_status: string; request_data: unknown; request_headers: Record<string, string> }[]>("GET", `/projects/${pid}/hooks/${hookId}/events?per_page=100`);
    const failed = events.filter((e) => !/^2/.test(e.response_status));
    expect(failed.length).toBeGreaterThanOrEqual(4);
    // Recovery already resent it: the receiver answers 200 "duplicate" (202 would mean recorded anew).
    const resent = await api<{ response_status: number }>("POST", `/projects/${pid}/hooks/${hookId}/events/${failed[0]!.id}/resend`);
    expect(resent.response_status).toBe(200);
    for (const e of failed) {
      const res = await POST(deliveryRequest(e.request_data, { token: inst.secret, event: e.request_headers["X-Gitlab-Event"] }));
      expect(res.status).toBe(202);
    }
    const again = await recoverInstallation(h.t.handle, await row(), options());
    expect(again).toMatchObject({ reenabled: false, resent: 0, recovered: 0, error: null });
    await waitFor("every late delivery to be processed", async () => (await listDeliveryRows(h.t.handle.db)).every((d) => d.outcome !== "pending"), 20_000);
    for (const iid of issues) {
      expect(await conversationsOf(iid)).toHaveLength(1);
      expect(await acksOn(iid)).toHaveLength(1);
    }
    const duplicates = (await listDeliveryRows(h.t.handle.db)).filter((d) => d.reason?.includes("duplicate"));
    expect(duplicates.length).toBeGreaterThanOrEqual(failed.length);
  });

  it("with GitLab failing, a pass records why and asks to be retried; it runs once GitLab is back", async () => {
    await h.gl.control("faults", { path: "^/api/v4/", status: 503 });
    const down = await recoverInstallation(h.t.handle, await row(), options());
    expect(down).toMatchObject({ gitlabDown: true, recovered: 0 });
    expect((await row()).recoveryError).toMatch(/server error \(503\)/);
    await fetch(`${h.gl.sandbox.url}/-/sandbox/faults`, { method: "DELETE" });
    const back = await recoverInstallation(h.t.handle, await row(), options());
    expect(back).toMatchObject({ gitlabDown: false, error: null });
    expect((await row()).recoveryError).toBeNull();
  });

  it("a trigger older than the stale window gets one comment saying it was not run, and no run", async () => {
    const iid = await newIssue("Old request");
    await h.gl.sandbox.settleDeliveries();
    front.up = false;
    await api("POST", `/projects/${pid}/issues/${iid}/notes`, { body: "@openhands answer: too late" });
    await api("POST", `/projects/${pid}/issues/${iid}/notes`, { body: "@openhands answer: also too late" });
    await h.gl.sandbox.settleDeliveries();
    front.up = true;
    // Recovery runs 25 hours later (the log is still there, the triggers are stale).
    const later = new Date(Date.now() + 25 * 3_600_000);
    await updateInstallation(h.t.handle.db, inst.installation.id, { sweptThrough: new Date(Date.now() - 60_000) });
    const result = await recoverInstallation(h.t.handle, await row(), options({ now: () => later }));
    expect(result).toMatchObject({ resent: 0, recovered: 0, stale: 2, error: null });
    const notices = (await notes(iid)).filter((n) => n.body.includes("<!-- openhands-agent notice/stale/"));
    expect(notices).toHaveLength(1);
    expect(notices[0]!.body).toMatch(/more than 24 hours old, so OpenHands has \*\*not\*\* run them/);
    expect(notices[0]!.body).toMatch(/the comment by @alice at .* UTC/);
    // A second pass over the same period posts nothing more.
    await updateInstallation(h.t.handle.db, inst.installation.id, { sweptThrough: new Date(Date.now() - 60_000) });
    await recoverInstallation(h.t.handle, await row(), options({ now: () => later }));
    expect((await notes(iid)).filter((n) => n.body.includes("<!-- openhands-agent notice/stale/"))).toHaveLength(1);
    expect(await conversationsOf(iid)).toHaveLength(0);
  });
});
