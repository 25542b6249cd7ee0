// Real git clients against the full sandbox: clone and push with an OAuth token, a PAT with any
// username, the 401 challenge for wrong tokens, and the pushed branch showing up in the API.
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
let oauthToken = "";
let pat = "";
let reporterPat = "";

function gitEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env, HOME: work, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", GIT_TERMINAL_PROMPT: "0", LC_ALL: "C",
    GIT_AUTHOR_NAME: "Ivy", GIT_AUTHOR_EMAIL: "ivy@example.com", GIT_COMMITTER_NAME: "Ivy", GIT_COMMITTER_EMAIL: "ivy@example.com",
  };
}

async function git(args: string[], cwd = work): Promise<{ code: number; stderr: string }> {
  try {
    const r = await run("git", args, { cwd, env: gitEnv(), timeout: 30_000 });
    return { code: 0, stderr: r.stderr };
  } catch (error) {
    const e = error as { code?: number; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, stderr: e.stderr ?? "" };
  }
}

const remote = (user: string, password: string): string => sandbox.url.replace("http://", `http://${user}:${password}@`) + "/squad/engine.git";

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "sandbox-git-test-"));
  sandbox = await startSandbox();
  const seed = await sandbox.seed({
    users: [
      { username: "ivy", personal_access_tokens: [{ name: "pat", scopes: ["write_repository"] }] },
      { username: "jon", personal_access_tokens: [{ name: "pat", scopes: ["api"] }] },
    ],
    groups: [{ path: "squad", tier: "premium", members: [{ username: "ivy", access_level: 30 }, { username: "jon", access_level: 20 }] }],
    projects: [{ namespace: "squad", path: "engine", files: { "README.md": "# Engine\n", "src/main.txt": "v1\n" } }],
    oauth_applications: [{ name: "Agent", redirect_uri: "http://localhost/cb", scopes: "api write_repository" }],
  });
  pat = seed.users[0]!.personal_access_tokens[0]!.token;
  reporterPat = seed.users[1]!.personal_access_tokens[0]!.token;
  const minted = await fetch(`${sandbox.url}/-/sandbox/oauth/tokens`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ username: "ivy", scopes: ["api"] }) });
  oauthToken = String(obj(await minted.json()).access_token);
});

afterAll(async () => {
  await sandbox?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe("git over HTTP through the sandbox", () => {
  it("clones and pushes a new branch with an OAuth token; the branch appears in the API", async () => {
    expect((await git(["clone", "--quiet", remote("oauth2", oauthToken), "clone1"])).code).toBe(0);
    const dir = join(work, "clone1");
    await git(["checkout", "--quiet", "-b", "agent/fix-1"], dir);
    await writeFile(join(dir, "src", "main.txt"), "v2\n");
    await git(["commit", "--quiet", "-am", "Bump to v2"], dir);
    const push = await git(["push", "--quiet", "origin", "agent/fix-1"], dir);
    expect(push.code, push.stderr).toBe(0);
    const api = apiClient(sandbox.url, oauthToken, "oauth");
    const branches = arr((await api("GET", "/projects/squad%2Fengine/repository/branches?search=agent")).body).map((b) => obj(b).name);
    expect(branches).toEqual(["agent/fix-1"]);
    const branch = obj((await api("GET", `/projects/squad%2Fengine/repository/branches/${encodeURIComponent("agent/fix-1")}`)).body);
    expect(obj(branch.commit).title).toBe("Bump to v2");
  });

  it("accepts a PAT as the password with any username", async () => {
    expect((await git(["clone", "--quiet", remote("anything", pat), "clone2"])).code).toBe(0);
  });

  it("fails with a wrong token like GitLab: 401 with the Basic realm challenge", async () => {
    const r = await git(["clone", "--quiet", remote("oauth2", "not-a-token"), "clone3"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/HTTP Basic: Access denied|Authentication failed/);
    const res = await fetch(`${sandbox.url}/squad/engine.git/info/refs?service=git-upload-pack`, { headers: { Authorization: `Basic ${Buffer.from("oauth2:nope").toString("base64")}` } });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Basic realm="GitLab"');
    const anonymous = await fetch(`${sandbox.url}/squad/engine.git/info/refs?service=git-upload-pack`);
    expect(anonymous.status).toBe(401);
  });

  it("refuses a push from a Reporter", async () => {
    expect((await git(["clone", "--quiet", remote("jon", reporterPat), "clone4"])).code).toBe(0);
    const dir = join(work, "clone4");
    await git(["checkout", "--quiet", "-b", "reporter-branch"], dir);
    const push = await git(["push", "--quiet", "origin", "reporter-branch"], dir);
    expect(push.code).not.toBe(0);
    expect(push.stderr).toContain("You are not allowed to push code to this project.");
  });

  it("refreshes an open merge request when its source branch is pushed", async () => {
    const api = apiClient(sandbox.url, oauthToken, "oauth");
    const mr = obj((await api("POST", "/projects/squad%2Fengine/merge_requests", { source_branch: "agent/fix-1", target_branch: "main", title: "Bump" })).body);
    const dir = join(work, "clone1");
    await writeFile(join(dir, "src", "main.txt"), "v3\n");
    await git(["commit", "--quiet", "-am", "Bump to v3"], dir);
    expect((await git(["push", "--quiet", "origin", "agent/fix-1"], dir)).code).toBe(0);
    let sha: unknown = mr.sha;
    for (let i = 0; i < 50 && sha === mr.sha; i++) {
      await new Promise((r) => setTimeout(r, 20));
      sha = obj((await api("GET", `/projects/squad%2Fengine/merge_requests/${String(mr.iid)}`)).body).sha;
    }
    expect(sha).not.toBe(mr.sha);
  });
});
