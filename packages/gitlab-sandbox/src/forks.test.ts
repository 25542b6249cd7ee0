// Forks: a seeded fork starts with its parent's repository, merge requests go from the fork into the
// parent (`target_project_id`), and with `allow_collaboration` the target's Maintainers may push to
// the MR's source branch in the fork, and to nothing else there.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "./index";
import { apiClient, arr, obj } from "./test-support";

const run = promisify(execFile);
let sandbox: Sandbox;
let work: string;
const tokens: Record<string, string> = {};
let libId = 0;
let forkId = 0;
let otherId = 0;

async function git(args: string[], cwd = work): Promise<{ code: number; stderr: string }> {
  const env = {
    ...process.env, HOME: work, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", GIT_TERMINAL_PROMPT: "0", LC_ALL: "C",
    GIT_AUTHOR_NAME: "Ada", GIT_AUTHOR_EMAIL: "ada@example.com", GIT_COMMITTER_NAME: "Ada", GIT_COMMITTER_EMAIL: "ada@example.com",
  };
  try {
    const r = await run("git", args, { cwd, env, timeout: 30_000 });
    return { code: 0, stderr: r.stderr };
  } catch (error) {
    const e = error as { code?: number; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, stderr: e.stderr ?? "" };
  }
}

const remote = (user: string, path: string): string => sandbox.url.replace("http://", `http://${user}:${tokens[user]}@`) + `/${path}.git`;
const api = (user: string) => {
  const call = apiClient(sandbox.url, tokens[user] ?? null);
  return { get: (path: string) => call("GET", path), post: (path: string, body: unknown) => call("POST", path, body) };
};

/** Clones the fork at `branch` as `user`, commits one file, pushes to `pushTo`. */
async function pushToFork(user: string, branch: string, pushTo: string, dirName: string): Promise<{ code: number; stderr: string }> {
  const cloned = await git(["clone", "--quiet", "--branch", branch, remote(user, "bob/lib"), dirName]);
  expect(cloned.code, cloned.stderr).toBe(0);
  const dir = join(work, dirName);
  await writeFile(join(dir, `${dirName}.txt`), `${dirName}\n`);
  await git(["add", "."], dir);
  await git(["commit", "--quiet", "-m", `Add ${dirName}`], dir);
  return git(["push", "--quiet", "origin", `HEAD:refs/heads/${pushTo}`], dir);
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "sandbox-fork-test-"));
  sandbox = await startSandbox();
  const seed = await sandbox.seed({
    users: ["ada", "dev", "bob"].map((username) => ({ username, personal_access_tokens: [{ name: "pat", scopes: ["api"] }] })),
    groups: [{ path: "core", members: [{ username: "ada", access_level: 40 }, { username: "dev", access_level: 30 }] }],
    projects: [
      { namespace: "core", path: "lib", visibility: "internal", files: { "README.md": "# Lib\n", "src/lib.txt": "v1\n" } },
      { namespace: "core", path: "other", visibility: "internal", files: { "README.md": "# Other\n" } },
      { namespace: "bob", path: "lib", visibility: "internal", forked_from: "core/lib" },
    ],
  });
  for (const u of seed.users) tokens[u.username] = u.personal_access_tokens[0]!.token;
  const ids = Object.fromEntries(seed.projects.map((p) => [p.path_with_namespace, p.id]));
  libId = ids["core/lib"]!;
  otherId = ids["core/other"]!;
  forkId = ids["bob/lib"]!;
  await sandbox.commitFiles(forkId, { branch: "feat", startBranch: "main", files: { "src/lib.txt": "v2\n" }, message: "Bump", author: "bob" });
  await sandbox.commitFiles(forkId, { branch: "closed-door", startBranch: "main", files: { "door.txt": "shut\n" }, message: "Door", author: "bob" });
});

afterAll(async () => {
  await sandbox?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe("forks in the sandbox", () => {
  it("a seeded fork has the parent's repository and names it in forked_from_project", async () => {
    const fork = obj((await api("bob").get(`/projects/${forkId}`)).body);
    expect(obj(fork.forked_from_project)).toMatchObject({ id: libId, path_with_namespace: "core/lib" });
    expect(obj((await api("bob").get(`/projects/${libId}`)).body).forked_from_project).toBeUndefined();
    const raw = await fetch(`${sandbox.url}/api/v4/projects/${forkId}/repository/files/src%2Flib.txt/raw?ref=main`, { headers: { "private-token": tokens.bob! } });
    expect(await raw.text()).toBe("v1\n");
  });

  it("an MR from the fork lives in the target, with the fork as source and the cross-project diff", async () => {
    const created = await api("bob").post(`/projects/${forkId}/merge_requests`, { source_branch: "feat", target_branch: "main", target_project_id: libId, title: "Bump", allow_collaboration: true });
    expect(created.status).toBe(201);
    const mr = obj(created.body);
    expect(mr).toMatchObject({ project_id: libId, source_project_id: forkId, target_project_id: libId, allow_collaboration: true, allow_maintainer_to_push: true });
    const listed = arr((await api("ada").get(`/projects/${libId}/merge_requests?state=opened`)).body).map(obj);
    expect(listed.map((m) => m.iid)).toContain(mr.iid);
    const diffs = arr((await api("ada").get(`/projects/${libId}/merge_requests/${String(mr.iid)}/diffs`)).body).map(obj);
    expect(diffs.map((d) => d.new_path)).toEqual(["src/lib.txt"]);
    expect(String(diffs[0]!.diff)).toContain("+v2");
  });

  it("refuses a target that is not the fork's parent", async () => {
    const r = await api("bob").post(`/projects/${forkId}/merge_requests`, { source_branch: "feat", target_branch: "main", target_project_id: otherId, title: "Nope" });
    expect(r.status).toBe(422);
  });

  it("lets a Maintainer of the target push to the source branch of a collaborative MR, and updates the MR", async () => {
    const push = await pushToFork("ada", "feat", "feat", "ada-feat");
    expect(push.code, push.stderr).toBe(0);
    const branch = obj((await api("bob").get(`/projects/${forkId}/repository/branches/feat`)).body);
    const sha = String(obj(branch.commit).id);
    const [mr] = arr((await api("ada").get(`/projects/${libId}/merge_requests?state=opened&source_branch=feat`)).body).map(obj);
    for (let i = 0; i < 50 && obj((await api("ada").get(`/projects/${libId}/merge_requests/${String(mr!.iid)}`)).body).sha !== sha; i++) await new Promise((r) => setTimeout(r, 100));
    expect(obj((await api("ada").get(`/projects/${libId}/merge_requests/${String(mr!.iid)}`)).body).sha).toBe(sha);
  });

  it("refuses that Maintainer any other branch of the fork, a Developer of the target, and MRs without collaboration", async () => {
    const other = await pushToFork("ada", "feat", "main", "ada-main");
    expect(other.code).not.toBe(0);
    expect(other.stderr).toContain("You are not allowed to push code to this project.");
    const developer = await pushToFork("dev", "feat", "feat", "dev-feat");
    expect(developer.code).not.toBe(0);
    expect(developer.stderr).toMatch(/You are not allowed to push code to this project|403/);
    const closed = await api("bob").post(`/projects/${forkId}/merge_requests`, { source_branch: "closed-door", target_branch: "main", target_project_id: libId, title: "Door" });
    expect(obj(closed.body).allow_collaboration).toBe(false);
    const door = await pushToFork("ada", "closed-door", "closed-door", "ada-door");
    expect(door.code).not.toBe(0);
    // The author opens the door (PUT allow_collaboration): now the push goes through.
    const opened = await apiClient(sandbox.url, tokens.bob!)("PUT", `/projects/${libId}/merge_requests/${String(obj(closed.body).iid)}`, { allow_collaboration: true });
    expect(obj(opened.body).allow_collaboration).toBe(true);
    const again = await pushToFork("ada", "closed-door", "closed-door", "ada-door-2");
    expect(again.code, again.stderr).toBe(0);
  });
});
