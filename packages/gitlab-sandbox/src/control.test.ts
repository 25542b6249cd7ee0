// Control API: faults, rate limit, request statistics, reset and repeated seeding, and the CLI.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "./index";
import { apiClient, obj } from "./test-support";

let sandbox: Sandbox;
let api: ReturnType<typeof apiClient>;
let other: ReturnType<typeof apiClient>;

async function control(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${sandbox.url}/-/sandbox/${path}`, { method, headers: { "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  sandbox = await startSandbox();
  const seed = await sandbox.seed({ users: [{ username: "kim", personal_access_tokens: [{ name: "a", scopes: ["api"] }, { name: "b", scopes: ["api"] }] }] });
  api = apiClient(sandbox.url, seed.users[0]!.personal_access_tokens[0]!.token);
  other = apiClient(sandbox.url, seed.users[0]!.personal_access_tokens[1]!.token);
});

afterAll(async () => {
  await sandbox?.close();
});

describe("faults", () => {
  it("answers the configured status N times, then normally", async () => {
    const fault = await control("POST", "faults", { path: "^/api/v4/user$", status: 503, times: 2, retry_after: 7 });
    expect(fault.status).toBe(201);
    const first = await api("GET", "/user");
    expect(first.status).toBe(503);
    expect(first.headers.get("retry-after")).toBe("7");
    expect((await api("GET", "/user")).status).toBe(503);
    expect((await api("GET", "/user")).status).toBe(200);
    expect(sandbox.requestStats().by_route["GET /user"]).toBeGreaterThanOrEqual(3);
  });

  it("delays matching requests, filters by method and can be cleared", async () => {
    await control("POST", "faults", { path: "/api/v4/version", delay_ms: 150, method: "GET" });
    await control("POST", "faults", { path: "/api/v4/projects", status: 500, method: "POST", body: { message: "boom" } });
    const t0 = performance.now();
    expect((await api("GET", "/version")).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    expect((await api("GET", "/projects")).status).toBe(200);
    const post = await api("POST", "/projects", {});
    expect(post.status).toBe(500);
    expect(post.body).toEqual({ message: "boom" });
    expect((await control("GET", "faults")).body).toHaveLength(3);
    await control("DELETE", "faults");
    expect((await control("GET", "faults")).body).toEqual([]);
  });

  it("with `after`, runs the real handler (the note is created) and answers the fault instead", async () => {
    await control("DELETE", "faults");
    const seeded = obj((await control("POST", "seed", { projects: [{ namespace: "kim", path: "after-faults", issues: [{ title: "One", author: "kim" }] }] })).body);
    const pid = (seeded.projects as { id: number }[])[0]!.id;
    const notesPath = `/projects/${pid}/issues/1/notes`;
    const bodies = async () => ((await api("GET", notesPath)).body as { body: string }[]).map((n) => n.body);
    await control("POST", "faults", { path: `/projects/${pid}/issues/1/notes$`, method: "POST", status: 500, times: 1, after: true });

    const failed = await api("POST", notesPath, { body: "created despite the 500" });
    expect(failed.status).toBe(500);
    expect(failed.body).toEqual({ message: "500 Sandbox fault" });
    expect(await bodies()).toEqual(["created despite the 500"]);

    // `drop`: the note is created, then the connection closes without an answer.
    await control("POST", "faults", { path: `/projects/${pid}/issues/1/notes$`, method: "POST", drop: true, times: 1, after: true });
    await expect(api("POST", notesPath, { body: "created, answer lost" })).rejects.toThrow();
    expect(await bodies()).toContain("created, answer lost");

    // Neither status nor drop: the real answer, late.
    await control("POST", "faults", { path: `/projects/${pid}/issues/1/notes$`, method: "POST", delay_ms: 150, times: 1, after: true });
    const t0 = performance.now();
    const late = await api("POST", notesPath, { body: "late but fine" });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    expect(late.status).toBe(201);
    expect(obj(late.body).body).toBe("late but fine");

    // Without `after`, the fault answers first and nothing is created.
    await control("POST", "faults", { path: `/projects/${pid}/issues/1/notes$`, method: "POST", status: 502, times: 1 });
    expect((await api("POST", notesPath, { body: "never created" })).status).toBe(502);
    expect(await bodies()).not.toContain("never created");
    expect(((await control("GET", "faults")).body as { hits: number }[]).map((f) => f.hits)).toEqual([1, 1, 1, 1]);
    await control("DELETE", "faults");
  });

  it("rejects an invalid fault", async () => {
    expect((await control("POST", "faults", { path: "(" })).status).toBe(400);
    expect((await control("POST", "faults", { status: 500 })).status).toBe(400);
  });
});

describe("rate limit", () => {
  it("answers 429 with Retry-After and RateLimit headers once a token is over its budget", async () => {
    expect((await control("POST", "rate-limit", { requests_per_minute: 3, per: "token" })).status).toBe(200);
    for (let i = 0; i < 3; i++) {
      const ok = await api("GET", "/user");
      expect(ok.status).toBe(200);
      expect(ok.headers.get("ratelimit-limit")).toBe("3");
      expect(ok.headers.get("ratelimit-remaining")).toBe(String(2 - i));
    }
    const limited = await api("GET", "/user");
    expect(limited.status).toBe(429);
    expect(limited.body).toBe("Retry later\n");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(limited.headers.get("ratelimit-observed")).toBe("4");
    expect(limited.headers.get("ratelimit-resettime")).toMatch(/GMT$/);
    // Budgets are per token.
    expect((await other("GET", "/user")).status).toBe(200);
    await control("POST", "rate-limit", { requests_per_minute: null });
    const after = await api("GET", "/user");
    expect(after.status).toBe(200);
    expect(after.headers.get("ratelimit-limit")).toBeNull();
  });
});

describe("stats, seeding and reset", () => {
  it("counts requests by route template and resets the counters", async () => {
    await control("POST", "stats/reset");
    await api("GET", "/projects/1");
    await api("GET", "/projects/kim%2Fnothing");
    await api("GET", "/no/such/route");
    const stats = obj((await control("GET", "stats")).body);
    expect(stats.total).toBe(3);
    expect(obj(stats.by_route)["GET /projects/:id"]).toBe(2);
    expect(obj(stats.by_status)["404"]).toBe(3);
  });

  it("adds to state on every seed, and reset empties everything", async () => {
    const a = await control("POST", "seed", { users: [{ username: "lee" }], projects: [{ namespace: "lee", path: "one" }] });
    const b = await control("POST", "seed", { projects: [{ namespace: "lee", path: "two" }] });
    expect(a.status).toBe(201);
    const idA = (obj(a.body).projects as { id: number }[])[0]!.id;
    const idB = (obj(b.body).projects as { id: number }[])[0]!.id;
    expect(idB).toBeGreaterThan(idA);
    expect((await control("POST", "seed", { projects: [{ namespace: "nobody", path: "x" }] })).status).toBe(400);
    expect((await control("POST", "reset")).status).toBe(200);
    expect(sandbox.store.projects.size).toBe(0);
    expect((await api("GET", "/user")).status).toBe(401);
  });
});

describe("cli", () => {
  it("prints one JSON line with the URL and stops on SIGTERM", async () => {
    const child = spawn(process.execPath, [join(process.cwd(), "node_modules", "tsx", "dist", "cli.mjs"), join(import.meta.dirname, "cli.ts"), "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    const line = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (c: Buffer) => {
        out += c.toString();
        if (out.includes("\n")) resolve(out.split("\n")[0] ?? "");
      });
      child.on("exit", (code) => reject(new Error(`cli exited ${code}`)));
    });
    const url = String(obj(JSON.parse(line)).url);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${url}/api/v4/version`)).status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  }, 20_000);
});
