import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DeliveryOutcome } from "@/db/schema";
import { startSandboxFixture, type SandboxFixture } from "@/lib/gitlab/testing/sandbox-fixture";
import { hashWebhookSecret } from "@/lib/webhook-receiver/installation-secret";
import { insertDeliveries } from "@/lib/webhook-receiver/testing/queries";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { recentDeliveries } from "./deliveries";
import { webhookStatus } from "./status";
import { syncUserHooks } from "./sync";
import { APP_URL, HOOK_URL, connect, createHookAs, hooksSeed, ourHooks, resourceId } from "./testing/fixture";
import { deleteInstallations, getInstallationByResourceId, listInstallations } from "./testing/queries";
import type { HookSession } from "./session";

let tdb: TestDatabase;
let gl: SandboxFixture;
let olga: { userId: string; session: () => Promise<HookSession> };
let dev: { userId: string; session: () => Promise<HookSession> };

const PERSONAL = 5;

beforeAll(async () => {
  [tdb, gl] = await Promise.all([createTestDatabase(), startSandboxFixture(hooksSeed(PERSONAL))]);
  olga = await connect(tdb.handle.db, gl, "olga");
  dev = await connect(tdb.handle.db, gl, "dev");
});

afterAll(async () => {
  await gl?.close();
  await tdb?.close();
});

beforeEach(async () => {
  await fetch(`${gl.sandbox.url}/-/sandbox/faults`, { method: "DELETE" });
});

const sync = async (who: typeof olga, concurrency = 3) => syncUserHooks(tdb.handle.db, who.userId, { oauth: gl.oauth, appUrl: APP_URL, concurrency, session: await who.session() });
const status = async (who: typeof olga) => webhookStatus(tdb.handle.db, who.userId, { oauth: gl.oauth, concurrency: 3, session: await who.session(), fresh: true });
const row = async (who: typeof olga, type: "group" | "project", path: string) => {
  const found = (await status(who)).resources.find((r) => r.resource_type === type && r.full_path === path);
  if (!found) throw new Error(`no row for ${type} ${path}`);
  return found;
};

describe("hooks.sync for an owner", () => {
  it("installs one hook on the Premium group and on every personal project, with our URL, events, SSL and secret", async () => {
    const report = await sync(olga);
    expect(ourHooks(gl, "group", "acme")).toHaveLength(1);
    for (let i = 1; i <= PERSONAL; i++) expect(ourHooks(gl, "project", `olga/tool-${i}`)).toHaveLength(1);
    // The subgroup is covered by acme's hook: a second one would deliver every event twice.
    expect(ourHooks(gl, "group", "acme/platform")).toHaveLength(0);
    expect(report.covered).toBe(1);

    const [hook] = ourHooks(gl, "project", "olga/tool-1");
    expect(hook?.enableSslVerification).toBe(true);
    expect(hook?.events).toMatchObject({
      issues_events: true,
      confidential_issues_events: true,
      note_events: true,
      confidential_note_events: true,
      merge_requests_events: true,
      push_events: false,
    });
    const rowInDb = await getInstallationByResourceId(tdb.handle.db, resourceId(gl, "project", "olga/tool-1"));
    expect(rowInDb?.status).toBe("installed");
    expect(rowInDb?.gitlabHookId).toBe(hook?.id);
    // GitLab holds `<installation id>.glhook_…`; we hold only its hash.
    expect(hook?.token).toMatch(new RegExp(`^${rowInDb?.id}\\.glhook_`));
    expect(rowInDb?.secretHash).toBe(hashWebhookSecret(hook?.token ?? ""));
    expect(JSON.stringify(rowInDb)).not.toContain(hook?.token ?? "none");
  });

  it("a second run creates nothing: same hooks, no POST, no PUT", async () => {
    const before = [...gl.sandbox.store.hooks.keys()].sort();
    await gl.resetStats();
    const report = await sync(olga);
    expect([...gl.sandbox.store.hooks.keys()].sort()).toEqual(before);
    expect(await gl.count("POST /projects/:id/hooks")).toBe(0);
    expect(await gl.count("POST /groups/:id/hooks")).toBe(0);
    expect(await gl.count("PUT /projects/:id/hooks/:hook_id")).toBe(0);
    expect(report.created + report.adopted).toBe(0);
  });

  it("adopts an existing hook with our URL (rotating its secret through edit) and removes duplicates", async () => {
    const p4 = resourceId(gl, "project", "olga/tool-4");
    const p5 = resourceId(gl, "project", "olga/tool-5");
    for (const h of [...ourHooks(gl, "project", "olga/tool-4"), ...ourHooks(gl, "project", "olga/tool-5")]) gl.sandbox.store.hooks.delete(h.id);
    await deleteInstallations(tdb.handle.db, p4);
    const foreign = await createHookAs(gl, "olga", "projects", p4);
    const dup1 = await createHookAs(gl, "olga", "projects", p5);
    await createHookAs(gl, "olga", "projects", p5, `${HOOK_URL}/`);

    const report = await sync(olga);
    const adopted = ourHooks(gl, "project", "olga/tool-4");
    expect(adopted.map((h) => h.id)).toEqual([foreign]);
    expect(adopted[0]?.token).toMatch(/\.glhook_/);
    expect(adopted[0]?.events.push_events).toBe(false);
    const p5Hooks = [...gl.sandbox.store.hooks.values()].filter((h) => h.projectId === p5);
    expect(p5Hooks.map((h) => h.id)).toEqual([dup1]);
    expect(report.adopted).toBe(2);
    expect(report.removedDuplicates).toBe(1);
  });

  it("falls back to project hooks on a Free-plan group (GitLab.com shows Owners the plan), and the row says so", async () => {
    for (let i = 1; i <= 3; i++) expect(ourHooks(gl, "project", `freeco/shop-${i}`)).toHaveLength(1);
    expect(ourHooks(gl, "group", "freeco")).toHaveLength(0);
    const freeco = await row(olga, "group", "freeco");
    expect(freeco.status).toBe("installed");
    expect(freeco.note).toBe("group hooks need Premium; 3 projects covered by project hooks");
    expect(freeco.covered_projects).toBe(3);
  });

  it("falls back as well when GitLab hides the plan (self-managed) but refuses the group hook", async () => {
    const freecoId = resourceId(gl, "group", "freeco");
    for (const h of [...gl.sandbox.store.hooks.values()]) if (h.kind === "project" && h.projectId !== null && gl.sandbox.store.projects.get(h.projectId)?.fullPath.startsWith("freeco/")) gl.sandbox.store.hooks.delete(h.id);
    await gl.control("config", { free_tier_group_hooks: "forbidden" });
    await gl.control("faults", { path: `^/api/v4/namespaces/${freecoId}$`, method: "GET", status: 200, body: { id: freecoId, kind: "group", full_path: "freeco" } });
    try {
      await gl.resetStats();
      const report = await sync(olga);
      expect(await gl.count("GET /groups/:id/hooks")).toBeGreaterThan(0);
      expect(report.fallbackGroups).toBe(1);
      for (let i = 1; i <= 3; i++) expect(ourHooks(gl, "project", `freeco/shop-${i}`)).toHaveLength(1);
      expect((await row(olga, "group", "freeco")).note).toBe("group hooks need Premium; 3 projects covered by project hooks");
    } finally {
      await gl.control("config", { free_tier_group_hooks: "accept" });
    }
  });

  it("a sandbox fault on hook creation gives Failed with GitLab's error; the next sync repairs it", async () => {
    const p3 = resourceId(gl, "project", "olga/tool-3");
    for (const h of ourHooks(gl, "project", "olga/tool-3")) gl.sandbox.store.hooks.delete(h.id);
    await gl.control("faults", { path: `^/api/v4/projects/${p3}/hooks$`, method: "POST", status: 422, body: { message: "Url is blocked: Requests to the local network are not allowed" }, times: 1 });
    const report = await sync(olga);
    expect(report.failed).toBe(1);
    const failed = await row(olga, "project", "olga/tool-3");
    expect(failed.status).toBe("failed");
    expect(failed.error).toContain("Url is blocked: Requests to the local network are not allowed");
    expect(failed.http_status).toBe(422);
    await sync(olga);
    expect((await row(olga, "project", "olga/tool-3")).status).toBe("installed");
  });

  it("a hook deleted in GitLab shows Not Installed on the next status load", async () => {
    for (const h of ourHooks(gl, "project", "olga/tool-2")) gl.sandbox.store.hooks.delete(h.id);
    const gone = await row(olga, "project", "olga/tool-2");
    expect(gone.status).toBe("not_installed");
    expect(gone.can_manage).toBe(true);
    expect((await row(olga, "group", "acme")).status).toBe("installed");
    expect((await row(olga, "group", "acme/platform")).note).toContain("Covered by the webhook on acme");
    await sync(olga);
  });

  it("pages the table and checks only the page's hooks live", async () => {
    await gl.resetStats();
    const page2 = await webhookStatus(tdb.handle.db, olga.userId, { oauth: gl.oauth, concurrency: 3, session: await olga.session(), page: 2, perPage: 3 });
    expect(page2.total).toBe(3 + PERSONAL);
    expect(page2.resources.map((r) => r.full_path)).toEqual(["olga/tool-1", "olga/tool-2", "olga/tool-3"]);
    expect(await gl.count("GET /projects/:id/hooks/:hook_id")).toBeLessThanOrEqual(3);
    expect(await gl.count("GET /groups/:id/hooks/:hook_id")).toBe(0);
  });

  it("shows GitLab's temporarily disabled state of a hook", async () => {
    const [hook] = ourHooks(gl, "project", "olga/tool-1");
    if (!hook) throw new Error("no hook");
    hook.recentFailures = 4;
    hook.disabledUntil = Date.now() + 60_000;
    const r = await row(olga, "project", "olga/tool-1");
    expect(r.status).toBe("installed");
    expect(r.alert_status).toBe("temporarily_disabled");
    expect(r.disabled_until).not.toBeNull();
    hook.recentFailures = 0;
    hook.disabledUntil = null;
  });
});

describe("rate limits", () => {
  it("waits out GitLab's Retry-After on 429 (every request of the sweep pauses) and still installs everything", async () => {
    for (const h of ourHooks(gl, "project", "olga/tool-1")) gl.sandbox.store.hooks.delete(h.id);
    await gl.control("faults", { path: "^/api/v4/projects/\\d+/hooks\\?", method: "GET", status: 429, body: "Retry later", retry_after: 1, times: 2 });
    const started = Date.now();
    const report = await sync(olga);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(report.failed).toBe(0);
    expect(ourHooks(gl, "project", "olga/tool-1")).toHaveLength(1);
  });
});

describe("recent deliveries", () => {
  it("lists the last deliveries of a row, newest first, with what the app did; fallback groups include their project hooks", async () => {
    const db = tdb.handle.db;
    const rows = await listInstallations(db);
    const tool1 = rows.find((r) => r.resourcePath === "olga/tool-1");
    const shop2 = rows.find((r) => r.resourcePath === "freeco/shop-2");
    if (!tool1 || !shop2) throw new Error("installations missing");
    const base = Date.now() - 60_000;
    const values = Array.from({ length: 25 }, (_, i) => ({
      installationId: tool1.id,
      idempotencyKey: `k-${i}`,
      event: "Note Hook",
      outcome: (i % 2 ? "ignored" : "triggered") as DeliveryOutcome,
      reason: i % 2 ? "the comment does not start with @openhands" : null,
      receivedAt: new Date(base + i * 1000),
    }));
    values.push({ installationId: shop2.id, idempotencyKey: "k-shop", event: "Issue Hook", outcome: "refused", reason: "the author is not a member", receivedAt: new Date(base) });
    await insertDeliveries(db, values);

    const opts = { oauth: gl.oauth, concurrency: 3, session: await olga.session() };
    const tool = await recentDeliveries(db, olga.userId, { resource_type: "project", resource_id: resourceId(gl, "project", "olga/tool-1"), limit: 20 }, opts);
    expect(tool.deliveries).toHaveLength(20);
    expect(tool.deliveries[0]).toMatchObject({ event: "Note Hook", outcome: "triggered", reason: null });
    expect(tool.deliveries[1]).toMatchObject({ event: "Note Hook", outcome: "ignored", reason: "the comment does not start with @openhands" });
    expect(new Date(tool.deliveries[0]?.received_at ?? 0).getTime()).toBe(base + 24_000);
    const freeco = await recentDeliveries(db, olga.userId, { resource_type: "group", resource_id: resourceId(gl, "group", "freeco"), limit: 20 }, opts);
    expect(freeco.deliveries.map((d) => d.outcome)).toEqual(["refused"]);
    await expect(recentDeliveries(db, dev.userId, { resource_type: "group", resource_id: resourceId(gl, "group", "freeco"), limit: 20 }, { ...opts, session: await dev.session() })).rejects.toMatchObject({
      status: 404,
    });
  });
});

describe("hooks.sync concurrency", () => {
  it("two syncs of the same user at once never create a second hook", async () => {
    for (const h of [...gl.sandbox.store.hooks.values()]) gl.sandbox.store.hooks.delete(h.id);
    await Promise.all([sync(olga, 4), sync(olga, 4), sync(olga, 2)]);
    for (let i = 1; i <= PERSONAL; i++) expect(ourHooks(gl, "project", `olga/tool-${i}`)).toHaveLength(1);
    expect(ourHooks(gl, "group", "acme")).toHaveLength(1);
    for (let i = 1; i <= 3; i++) expect(ourHooks(gl, "project", `freeco/shop-${i}`)).toHaveLength(1);
  });
});

describe("a Developer-only user", () => {
  it("sees their resources with a clear needs-Owner/Maintainer failure, and no hook is created", async () => {
    for (const h of [...gl.sandbox.store.hooks.values()]) gl.sandbox.store.hooks.delete(h.id);
    await deleteInstallations(tdb.handle.db);
    await gl.resetStats();
    const report = await sync(dev);
    expect(report.noAccess).toBeGreaterThanOrEqual(2);
    expect(gl.sandbox.store.hooks.size).toBe(0);
    expect(await gl.count("POST /projects/:id/hooks")).toBe(0);
    expect(await gl.count("POST /groups/:id/hooks")).toBe(0);
    const rows = (await status(dev)).resources;
    const acme = rows.find((r) => r.full_path === "acme");
    const tool = rows.find((r) => r.full_path === "olga/tool-1");
    expect(acme).toMatchObject({ status: "failed", can_manage: false, role: "Developer" });
    expect(acme?.error).toBe("Needs the Owner role on this group to install the webhook (you have Developer).");
    expect(tool).toMatchObject({ status: "failed", can_manage: false });
    expect(tool?.error).toBe("Needs the Maintainer or Owner role on this project to install the webhook (you have Developer).");
    expect(rows.find((r) => r.full_path === "freeco")).toBeUndefined();
  });
});
