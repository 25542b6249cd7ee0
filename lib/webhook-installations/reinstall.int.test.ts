import crypto from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { User } from "@/db/schema";
import { getUserById } from "@/lib/users/queries";
import { startSandboxFixture, type SandboxFixture } from "@/lib/gitlab/testing/sandbox-fixture";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { openDatabase, type DbHandle } from "@/db/client";
import { reinstallWebhook } from "./reinstall";
import { syncUserHooks } from "./sync";
import { APP_URL, connect, hooksSeed, ourHooks, resourceId } from "./testing/fixture";

/**
 * POST /api/gitlab/webhooks/reinstall, called as Next calls it (`POST(new Request(…), ctx)`), with
 * the session and the database swapped for the test's. Every status code of the contract.
 */

const state: { user: User | null; handle: DbHandle | null; oauth: unknown } = { user: null, handle: null, oauth: null };
vi.mock("@/lib/auth/current-user", () => ({ currentUser: async () => state.user }));
vi.mock("@/db", () => ({ getDb: async () => state.handle }));
vi.mock("@/lib/gitlab/settings", () => ({ gitlabOAuthConfig: async () => state.oauth }));

process.env.ENCRYPTION_KEY = crypto.randomBytes(32).toString("base64");
process.env.AUTH_SECRET = crypto.randomBytes(32).toString("base64");
process.env.APP_URL = APP_URL;

const { POST } = await import("@/app/api/gitlab/webhooks/reinstall/route");
const { GET: listWebhooks } = await import("@/app/api/gitlab/webhooks/route");
const { GET: listDeliveries } = await import("@/app/api/gitlab/webhooks/deliveries/route");
const { appCipher } = await import("@/lib/crypto");

let tdb: TestDatabase;
let gl: SandboxFixture;
let olga: Awaited<ReturnType<typeof connect>>;
let dev: Awaited<ReturnType<typeof connect>>;

async function as(who: { userId: string }) {
  state.user = await getUserById(tdb.handle.db, who.userId);
}

async function reinstall(body: unknown, raw = false) {
  const res = await POST(
    new Request("http://app.test/api/gitlab/webhooks/reinstall", {
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://app.test", "sec-fetch-site": "same-origin" },
      body: raw ? (body as string) : JSON.stringify(body),
    }),
    { params: Promise.resolve({}) },
  );
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { error?: { code: string; message: string }; status?: string; resource?: Record<string, unknown> } };
}

const pid = (path: string) => resourceId(gl, "project", path);
const deleteOurs = (kind: "project" | "group", path: string) => {
  for (const h of ourHooks(gl, kind, path)) gl.sandbox.store.hooks.delete(h.id);
};

beforeAll(async () => {
  [tdb, gl] = await Promise.all([createTestDatabase(), startSandboxFixture(hooksSeed(3), { freeTierGroupHooks: "forbidden" })]);
  state.handle = tdb.handle;
  state.oauth = gl.oauth;
  olga = await connect(tdb.handle.db, gl, "olga", appCipher());
  dev = await connect(tdb.handle.db, gl, "dev", appCipher());
  await syncUserHooks(tdb.handle.db, olga.userId, { oauth: gl.oauth, appUrl: APP_URL, concurrency: 3, session: await olga.session() });
});

afterAll(async () => {
  await gl?.close();
  await tdb?.close();
});

beforeEach(async () => {
  await fetch(`${gl.sandbox.url}/-/sandbox/faults`, { method: "DELETE" });
  await as(olga);
});

describe("POST /api/gitlab/webhooks/reinstall", () => {
  it("401 without a session", async () => {
    state.user = null;
    expect((await reinstall({ resource_type: "project", resource_id: 1 })).status).toBe(401);
  });

  it("409 when our hook is already installed: it must be deleted in GitLab first", async () => {
    const res = await reinstall({ resource_type: "project", resource_id: pid("olga/tool-1") });
    expect(res.status).toBe(409);
    expect(res.body.error?.code).toBe("already_installed");
    expect(res.body.error?.message).toContain("delete it in GitLab first");
    expect(ourHooks(gl, "project", "olga/tool-1")).toHaveLength(1);
  });

  it("200 installed after the hook was deleted in GitLab, and a second press answers 409", async () => {
    deleteOurs("project", "olga/tool-1");
    const res = await reinstall({ resource_type: "project", resource_id: pid("olga/tool-1") });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("installed");
    expect(res.body.resource).toMatchObject({ resource_type: "project", full_path: "olga/tool-1", status: "installed", error: null });
    expect(ourHooks(gl, "project", "olga/tool-1")).toHaveLength(1);
    expect((await reinstall({ resource_type: "project", resource_id: pid("olga/tool-1") })).status).toBe(409);
  });

  it("200 with failed and GitLab's error when GitLab refuses", async () => {
    deleteOurs("project", "olga/tool-2");
    await gl.control("faults", { path: `^/api/v4/projects/${pid("olga/tool-2")}/hooks$`, method: "POST", status: 422, body: { message: { url: ["is blocked: Requests to localhost are not allowed"] } }, times: 1 });
    const res = await reinstall({ resource_type: "project", resource_id: pid("olga/tool-2") });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("failed");
    expect(String(res.body.error)).toContain("is blocked: Requests to localhost are not allowed");
    expect(res.body.resource).toMatchObject({ status: "failed", http_status: 422 });
    expect(ourHooks(gl, "project", "olga/tool-2")).toHaveLength(0);
  });

  it("two concurrent reinstalls of one user: exactly one proceeds, the other gets 409", async () => {
    deleteOurs("project", "olga/tool-2");
    deleteOurs("project", "olga/tool-3");
    // The first reinstall's hook creation is slow, so the second arrives while it runs.
    await gl.control("faults", { path: `^/api/v4/projects/\\d+/hooks$`, method: "POST", delay_ms: 700, times: 1 });
    const [a, b] = await Promise.all([
      reinstall({ resource_type: "project", resource_id: pid("olga/tool-2") }),
      new Promise((r) => setTimeout(r, 150)).then(() => reinstall({ resource_type: "project", resource_id: pid("olga/tool-3") })),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const refused = a.status === 409 ? a : b;
    expect(refused.body.error?.code).toBe("reinstall_in_progress");
    expect(ourHooks(gl, "project", "olga/tool-2").length + ourHooks(gl, "project", "olga/tool-3").length).toBe(1);
  });

  it("403 without Owner/Maintainer access", async () => {
    await as(dev);
    const group = await reinstall({ resource_type: "group", resource_id: resourceId(gl, "group", "acme") });
    expect(group.status).toBe(403);
    expect(group.body.error?.message).toBe("Needs the Owner role on this group to install the webhook (you have Developer).");
    const project = await reinstall({ resource_type: "project", resource_id: pid("olga/tool-1") });
    expect(project.status).toBe(403);
  });

  it("404 for a resource the token cannot see", async () => {
    await as(dev);
    expect((await reinstall({ resource_type: "group", resource_id: resourceId(gl, "group", "freeco") })).status).toBe(404);
    await as(olga);
    const res = await reinstall({ resource_type: "project", resource_id: 987_654 });
    expect(res.status).toBe(404);
    expect(res.body.error?.code).toBe("resource_not_found");
  });

  it("422 for a malformed body", async () => {
    for (const body of [{}, { resource_type: "repo", resource_id: 1 }, { resource_type: "project", resource_id: "abc" }, { resource_type: "project", resource_id: -3 }]) {
      const res = await reinstall(body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error?.code).toBe("validation_failed");
    }
    expect((await reinstall("{not json", true)).status).toBe(422);
  });

  it("reinstalls a free-tier group through project hooks, then answers 409", async () => {
    deleteOurs("project", "freeco/shop-2");
    const group = { resource_type: "group", resource_id: resourceId(gl, "group", "freeco") };
    const res = await reinstall(group);
    expect(res.status).toBe(200);
    expect(res.body.resource).toMatchObject({ status: "installed", note: "group hooks need Premium; 3 projects covered by project hooks" });
    expect(ourHooks(gl, "project", "freeco/shop-2")).toHaveLength(1);
    expect((await reinstall(group)).status).toBe(409);
  });

  // Issue 13: the session cookie rides along with any cross-site request; such requests never act.
  describe("cross-site requests", () => {
    const send = (headers: Record<string, string>, body: string) =>
      POST(new Request("http://app.test/api/gitlab/webhooks/reinstall", { method: "POST", headers, body }), { params: Promise.resolve({}) });

    it("a cross-site text/plain POST with a valid session: 403, and nothing is reinstalled", async () => {
      await as(olga);
      const id = pid("olga/tool-2");
      deleteOurs("project", "olga/tool-2");
      expect(ourHooks(gl, "project", "olga/tool-2")).toHaveLength(0);
      const body = JSON.stringify({ resource_type: "project", resource_id: id });
      const attempts: Record<string, string>[] = [
        { "content-type": "text/plain", origin: "https://evil.example", "sec-fetch-site": "cross-site" },
        { "content-type": "text/plain;charset=UTF-8", origin: "https://evil.example" },
        { "content-type": "application/json", origin: "https://evil.example" },
        { "content-type": "application/json", "sec-fetch-site": "same-site", origin: "https://sub.app.test" },
        { "content-type": "text/plain" },
      ];
      for (const headers of attempts) {
        const res = await send(headers, body);
        expect(res.status, JSON.stringify(headers)).toBe(403);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe("cross_site_request");
      }
      expect(ourHooks(gl, "project", "olga/tool-2")).toHaveLength(0);
      // the same request from the app itself does reinstall it
      const ok = await send({ "content-type": "application/json", origin: "http://app.test", "sec-fetch-site": "same-origin" }, body);
      expect(ok.status).toBe(200);
      expect(ourHooks(gl, "project", "olga/tool-2")).toHaveLength(1);
    });

    it("a same-origin POST that is not JSON: 415", async () => {
      await as(olga);
      const res = await send({ "content-type": "text/plain", origin: "http://app.test", "sec-fetch-site": "same-origin" }, "{}");
      expect(res.status).toBe(415);
    });
  });

  it("409 for a subgroup covered by its parent group's hook", async () => {
    const res = await reinstall({ resource_type: "group", resource_id: resourceId(gl, "group", "acme/platform") });
    expect(res.status).toBe(409);
    expect(res.body.error?.code).toBe("covered_by_group");
  });
});

describe("GET /api/gitlab/webhooks and /deliveries", () => {
  const get = async (handler: typeof listWebhooks, url: string) => {
    const res = await handler(new Request(url), { params: Promise.resolve({}) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it("lists the groups and personal projects with live status", async () => {
    const { status, body } = await get(listWebhooks, "http://app.test/api/gitlab/webhooks?fresh=1");
    expect(status).toBe(200);
    const rows = body.resources as { resource_type: string; full_path: string; status: string; can_manage: boolean }[];
    expect(rows.map((r) => `${r.resource_type}:${r.full_path}`)).toEqual([
      "group:acme",
      "group:acme/platform",
      "group:freeco",
      "project:olga/tool-1",
      "project:olga/tool-2",
      "project:olga/tool-3",
    ]);
    expect(rows.find((r) => r.full_path === "acme")).toMatchObject({ status: "installed", can_manage: true });
    expect(body.instance).toBe(gl.sandbox.url);
  });

  it("deliveries: 200 for a visible row, 404 for an unknown one, 422 for a bad query, 401 signed out", async () => {
    expect((await get(listDeliveries, `http://app.test/api/gitlab/webhooks/deliveries?resource_type=group&resource_id=${resourceId(gl, "group", "acme")}`)).body).toEqual({ via: null, deliveries: [], retention_days: 30 });
    expect((await get(listDeliveries, "http://app.test/api/gitlab/webhooks/deliveries?resource_type=group&resource_id=424242")).status).toBe(404);
    expect((await get(listDeliveries, "http://app.test/api/gitlab/webhooks/deliveries?resource_type=repo&resource_id=x")).status).toBe(422);
    state.user = null;
    expect((await get(listWebhooks, "http://app.test/api/gitlab/webhooks")).status).toBe(401);
  });
});

describe("reinstall lock across processes", () => {
  it("two database connections (two processes) reinstalling for one user at once: exactly one proceeds", async () => {
    if (tdb.kind !== "postgres" || !tdb.url) return; // PGlite is single-process by construction
    const other = await openDatabase({ url: tdb.url, max: 3 });
    try {
      deleteOurs("project", "olga/tool-1");
      deleteOurs("project", "olga/tool-3");
      await gl.control("faults", { path: `^/api/v4/projects/\\d+/hooks$`, method: "POST", delay_ms: 700, times: 2 });
      const cipher = appCipher();
      const { openHookSession } = await import("./session");
      const run = async (db: typeof tdb.handle.db, path: string) =>
        reinstallWebhook(db, olga.userId, { resource_type: "project", resource_id: pid(path) }, {
          oauth: gl.oauth,
          appUrl: APP_URL,
          concurrency: 2,
          session: await openHookSession(db, olga.userId, { oauth: gl.oauth, cipher }),
        }).then(
          () => 200,
          (err: { status?: number; code?: string }) => (err.code === "reinstall_in_progress" ? 409 : (err.status ?? 500)),
        );
      const results = await Promise.all([run(tdb.handle.db, "olga/tool-1"), new Promise((r) => setTimeout(r, 150)).then(() => run(other.db, "olga/tool-3"))]);
      expect(results.sort()).toEqual([200, 409]);
    } finally {
      await other.close();
    }
  });
});
