import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SeedInput } from "@gitlab-agent/gitlab-sandbox";
import { createCipherKit } from "@/lib/crypto";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { getBranch, searchBranches } from "./branches";
import { gitlabForUser, withUserGitLab, type GitLabApi } from "./client";
import { GitLabError } from "./errors";
import { getProject, searchProjects, type ProjectSummary } from "./projects";
import { connectUser } from "./testing/connected-user";
import { startSandboxFixture, type SandboxFixture } from "./testing/sandbox-fixture";

const cipher = createCipherKit({ current: crypto.randomBytes(32).toString("base64") });
const PASSWORD = "correct-horse-battery";
const pad = (n: number) => String(n).padStart(3, "0");

/**
 * pia is a member of 250 projects: 200 in group "acme" (through the group; one, "webapp", has a
 * repository with branches) and 50 personal, three
 * of them named "needle-…". zed owns 30 more, some public, which membership=true must keep out.
 */
function seed(): SeedInput {
  const projects: NonNullable<SeedInput["projects"]> = [];
  for (let i = 1; i <= 199; i++) projects.push({ namespace: "acme", path: i <= 2 ? `needle-${pad(i)}` : `service-${pad(i)}` });
  for (let i = 1; i <= 50; i++) projects.push({ namespace: "pia", path: i === 1 ? "needle-home" : `tool-${pad(i)}`, visibility: "public" });
  for (let i = 1; i <= 30; i++) projects.push({ namespace: "zed", path: i === 1 ? "needle-foreign" : `other-${pad(i)}`, visibility: i % 2 ? "public" : "private" });
  projects.push({ namespace: "acme", path: "webapp", files: { "README.md": "# Web app\n", "src/index.ts": "export {};\n" } });
  return {
    users: [
      { username: "pia", password: PASSWORD },
      { username: "zed", password: PASSWORD },
    ],
    groups: [{ path: "acme", members: [{ username: "pia", access_level: 30 }, { username: "zed", access_level: 50 }] }],
    projects,
  };
}

let tdb: TestDatabase;
let gl: SandboxFixture;
let userId: string;
let api: GitLabApi;

beforeAll(async () => {
  [tdb, gl] = await Promise.all([createTestDatabase(), startSandboxFixture(seed())]);
  await gl.sandbox.createBranch("acme/webapp", "feature/login-page", "main");
  await gl.sandbox.createBranch("acme/webapp", "fix/typo", "main");
  ({ userId } = await connectUser(tdb.handle.db, gl.oauth, { username: "pia", password: PASSWORD }, { cipher }));
  ({ api } = await gitlabForUser(tdb.handle.db, userId, gl.oauth, { cipher }));
});

afterAll(async () => {
  await gl?.close();
  await tdb?.close();
});

describe("searchProjects", () => {
  it("pages through all 250 of the user's projects by nextPage, one request per page", async () => {
    await gl.resetStats();
    const seen: ProjectSummary[] = [];
    const pages: number[] = [];
    let page: number | null = 1;
    while (page !== null) {
      const result = await searchProjects(api, { page, perPage: 100 });
      pages.push(result.items.length);
      seen.push(...result.items);
      page = result.nextPage;
    }
    expect(pages).toEqual([100, 100, 50]);
    expect(new Set(seen.map((p) => p.id)).size).toBe(250);
    expect(seen.some((p) => p.namespaceFullPath === "zed")).toBe(false);
    expect(await gl.count("GET /projects")).toBe(3);
    const personal = seen.find((p) => p.pathWithNamespace === "pia/needle-home");
    expect(personal).toMatchObject({ namespaceKind: "user", visibility: "public", defaultBranch: "main", webUrl: `${gl.oauth.baseUrl}/pia/needle-home` });
  });

  it("returns the first page of 20 with a next page by default", async () => {
    const first = await searchProjects(api);
    expect(first.items).toHaveLength(20);
    expect(first.nextPage).toBe(2);
  });

  it("filters on GitLab's side by search, only within the user's projects", async () => {
    const result = await searchProjects(api, { search: "needle" });
    expect(result.items.map((p) => p.pathWithNamespace).sort()).toEqual(["acme/needle-001", "acme/needle-002", "pia/needle-home"]);
    expect(result.nextPage).toBeNull();
    const byNamespace = await searchProjects(api, { search: "acme/needle" });
    expect(byNamespace.items.map((p) => p.pathWithNamespace).sort()).toEqual(["acme/needle-001", "acme/needle-002"]);
    expect((await searchProjects(api, { search: "no-such-project" })).items).toEqual([]);
  });

  it("retries a 429 after Retry-After and then succeeds", async () => {
    await gl.control("faults", { path: "^/api/v4/projects\\?", method: "GET", status: 429, body: "Retry later", retry_after: 1, times: 1 });
    await gl.resetStats();
    const started = Date.now();
    const result = await searchProjects(api, { search: "needle" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(result.items).toHaveLength(3);
    expect(await gl.count("GET /projects")).toBe(2);
  });

  it("gets a project by path or id, and maps a missing one to not_found", async () => {
    const byPath = await getProject(api, "acme/webapp");
    expect(byPath).toMatchObject({ pathWithNamespace: "acme/webapp", namespaceKind: "group", defaultBranch: "main", visibility: "private" });
    expect(await getProject(api, byPath.id)).toEqual(byPath);
    const err = await getProject(api, "acme/does-not-exist").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitLabError);
    expect(err).toMatchObject({ kind: "not_found", status: 404, gitlabMessage: "404 Project Not Found" });
    // zed's private projects are invisible to pia: GitLab answers 404, not 403.
    await expect(getProject(api, "zed/other-002")).rejects.toMatchObject({ kind: "not_found" });
  });
});

describe("branches", () => {
  it("searches a project's branches and marks the default", async () => {
    const project = await getProject(api, "acme/webapp");
    const all = await searchBranches(api, project.id);
    expect(all.items.map((b) => b.name).sort()).toEqual(["feature/login-page", "fix/typo", "main"]);
    expect(all.items.find((b) => b.name === "main")).toMatchObject({ isDefault: true, commitSha: expect.stringMatching(/^[0-9a-f]{40}$/) });
    const found = await searchBranches(api, project.id, { search: "login" });
    expect(found).toEqual({ items: [expect.objectContaining({ name: "feature/login-page", isDefault: false })], nextPage: null });
    const paged = await searchBranches(api, project.id, { perPage: 2 });
    expect(paged.items).toHaveLength(2);
    expect(paged.nextPage).toBe(2);
  });

  it("gets a branch with a slash in its name, and maps a missing one to not_found", async () => {
    const project = await getProject(api, "acme/webapp");
    expect(await getBranch(api, project.id, "feature/login-page")).toMatchObject({ name: "feature/login-page", isDefault: false });
    await expect(getBranch(api, project.id, "nope")).rejects.toMatchObject({ kind: "not_found" });
  });

  it("works through withUserGitLab end to end", async () => {
    const names = await withUserGitLab(tdb.handle.db, userId, gl.oauth, async (a) => (await searchBranches(a, "acme/webapp", { search: "^fix" })).items.map((b) => b.name), { cipher });
    expect(names).toEqual(["fix/typo"]);
  });
});
