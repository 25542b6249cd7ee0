import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACCESS_DENIED_MESSAGE, handleGitRequest, isGitRequest, type GitHttpDeps } from "./git-http";
import { createBareRepository, getBranch } from "./git-repo";

type PushEvent = Parameters<NonNullable<GitHttpDeps["onPush"]>>[0];
interface Served { method: string; url: string; status: number; wwwAuthenticate: string | undefined; authorized: boolean }

const TOKENS: Record<string, { userId: number; scopes: string[]; level: number }> = {
  "dev-token": { userId: 1, scopes: ["api"], level: 30 },
  "read-token": { userId: 2, scopes: ["read_repository"], level: 30 },
  "guest-token": { userId: 3, scopes: ["api"], level: 10 },
  "outsider-token": { userId: 4, scopes: ["api"], level: 0 },
  "profile-token": { userId: 5, scopes: ["read_user"], level: 30 },
};

let root = "";
let base = "";
let server: Server;
const pushes: PushEvent[] = [];
const served: Served[] = [];

function repoDir(name: string): string {
  return join(root, "repos", `${name}.git`);
}

const deps: GitHttpDeps = {
  resolveRepository(fullPath) {
    const projects = { "group/proj": { projectId: 1, visibility: "private" }, "group/public": { projectId: 2, visibility: "public" } } as const;
    const p = fullPath === "group/proj" || fullPath === "group/public" ? projects[fullPath] : null;
    return p ? { ...p, dir: repoDir(fullPath.replace("/", "-")) } : null;
  },
  authenticate(_username, password) {
    const t = TOKENS[password];
    return t ? { userId: t.userId, scopes: t.scopes } : null;
  },
  accessLevel(userId) {
    return Object.values(TOKENS).find((t) => t.userId === userId)?.level ?? 0;
  },
  onPush(event) {
    pushes.push(event);
  },
};

/** Runs the git client with a throwaway HOME and no config or prompts. */
function git(args: string[], cwd = root): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, {
      cwd,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: join(root, "home"), LC_ALL: "C", GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", GIT_TERMINAL_PROMPT: "0", GIT_AUTHOR_NAME: "Dev", GIT_AUTHOR_EMAIL: "dev@example.com", GIT_COMMITTER_NAME: "Dev", GIT_COMMITTER_EMAIL: "dev@example.com", NODE_ENV: process.env.NODE_ENV },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

function remote(path: string, token?: string): string {
  return token ? base.replace("http://", `http://oauth2:${token}@`) + `/${path}.git` : `${base}/${path}.git`;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "git-http-test-"));
  const files = { "README.md": "# Proj\n", "src/index.ts": "export {};\n" };
  await createBareRepository(repoDir("group-proj"), { defaultBranch: "main", files, authorName: "Owner", authorEmail: "owner@example.com" });
  await createBareRepository(repoDir("group-public"), { defaultBranch: "main", files, authorName: "Owner", authorEmail: "owner@example.com" });
  server = createServer((req, res) => {
    const pathname = new URL(req.url ?? "/", "http://x").pathname;
    res.on("finish", () => served.push({ method: req.method ?? "", url: req.url ?? "", status: res.statusCode, wwwAuthenticate: res.getHeader("www-authenticate")?.toString(), authorized: req.headers.authorization !== undefined }));
    if (isGitRequest(pathname)) void handleGitRequest(req, res, deps);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await rm(root, { recursive: true, force: true });
});

describe("isGitRequest", () => {
  it("matches smart HTTP endpoints under a namespace only", () => {
    expect(isGitRequest("/group/proj.git/info/refs")).toBe(true);
    expect(isGitRequest("/group/sub/proj.git/git-upload-pack")).toBe(true);
    expect(isGitRequest("/group/proj.git/git-receive-pack")).toBe(true);
    expect(isGitRequest("/proj.git/info/refs")).toBe(false);
    expect(isGitRequest("/group/proj/info/refs")).toBe(false);
    expect(isGitRequest("/api/v4/projects")).toBe(false);
  });
});

describe("git over HTTP", () => {
  it("clones with an api token, pushes a new branch and reports it through onPush", async () => {
    const work = join(root, "dev-clone");
    const clone = await git(["clone", "--quiet", remote("group/proj", "dev-token"), work]);
    expect(clone.stderr).toBe("");
    expect(clone.code).toBe(0);
    expect(await readFile(join(work, "README.md"), "utf8")).toBe("# Proj\n");

    await writeFile(join(work, "feature.txt"), "new feature\n");
    expect((await git(["add", "feature.txt"], work)).code).toBe(0);
    expect((await git(["commit", "--quiet", "-m", "Add feature"], work)).code).toBe(0);
    const head = (await git(["rev-parse", "HEAD"], work)).stdout.trim();
    const push = await git(["push", "--quiet", "origin", "HEAD:refs/heads/feature"], work);
    expect(push.stderr).toBe("");
    expect(push.code).toBe(0);

    expect(pushes).toEqual([{ projectId: 1, userId: 1, updatedRefs: [{ ref: "refs/heads/feature", before: "0".repeat(40), after: head }] }]);
    expect((await getBranch(repoDir("group-proj"), "feature"))?.commit.title).toBe("Add feature");
    // git first tried without credentials and was challenged, like with GitLab.
    expect(served.some((s) => s.status === 401 && !s.authorized && s.wwwAuthenticate === 'Basic realm="GitLab"')).toBe(true);
  });

  it("also serves protocol v0 clients", async () => {
    const clone = await git(["-c", "protocol.version=0", "clone", "--quiet", remote("group/proj", "dev-token"), join(root, "v0-clone")]);
    expect(clone.code).toBe(0);
  });

  it("rejects a wrong token with GitLab's 401 challenge", async () => {
    served.length = 0;
    const clone = await git(["clone", "--quiet", remote("group/proj", "wrong-token"), join(root, "wrong-clone")]);
    expect(clone.code).not.toBe(0);
    expect(clone.stderr).toMatch(/Authentication failed/);
    expect(served.some((s) => s.status === 401 && s.authorized && s.wwwAuthenticate === 'Basic realm="GitLab"')).toBe(true);

    const res = await fetch(`${remote("group/proj")}/info/refs?service=git-upload-pack`, { headers: { Authorization: `Basic ${Buffer.from("oauth2:wrong").toString("base64")}` } });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Basic realm="GitLab"');
    expect(await res.text()).toBe(ACCESS_DENIED_MESSAGE);
  });

  it("lets a read_repository token clone but not push", async () => {
    const work = join(root, "read-clone");
    expect((await git(["clone", "--quiet", remote("group/proj", "read-token"), work])).code).toBe(0);
    await writeFile(join(work, "x.txt"), "x\n");
    await git(["add", "x.txt"], work);
    await git(["commit", "--quiet", "-m", "x"], work);
    const before = pushes.length;
    const push = await git(["push", "--quiet", "origin", "HEAD:refs/heads/readonly"], work);
    expect(push.code).not.toBe(0);
    expect(push.stderr).toContain("You are not allowed to upload code.");
    expect(pushes.length).toBe(before);
    expect(await getBranch(repoDir("group-proj"), "readonly")).toBeNull();
  });

  it("applies GitLab's access levels and scopes", async () => {
    const guest = await git(["clone", "--quiet", remote("group/proj", "guest-token"), join(root, "guest-clone")]);
    expect(guest.code).not.toBe(0);
    expect(guest.stderr).toContain("You are not allowed to download code from this project.");

    const status = async (path: string, token: string, service = "git-upload-pack"): Promise<[number, string]> => {
      const res = await fetch(`${remote(path)}/info/refs?service=${service}`, { headers: { Authorization: `Basic ${Buffer.from(`someone:${token}`).toString("base64")}` } });
      return [res.status, await res.text()];
    };
    expect(await status("group/proj", "outsider-token")).toEqual([404, "The project you were looking for could not be found or you don't have permission to view it."]);
    expect(await status("group/missing", "dev-token")).toEqual([404, "The project you were looking for could not be found or you don't have permission to view it."]);
    expect(await status("group/proj", "profile-token")).toEqual([403, "You are not allowed to download code."]);
    expect(await status("group/proj", "guest-token", "git-receive-pack")).toEqual([403, "You are not allowed to push code to this project."]);
    expect((await status("group/public", "outsider-token"))[0]).toBe(200);
    expect((await status("group/proj", "dev-token", "git-receive-pack"))[0]).toBe(200);
  });

  it("challenges anonymous access to private or unknown repositories but serves public ones", async () => {
    for (const path of ["group/proj", "group/missing"]) {
      const res = await fetch(`${remote(path)}/info/refs?service=git-upload-pack`);
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe('Basic realm="GitLab"');
    }
    const anonymous = await git(["clone", "--quiet", remote("group/proj"), join(root, "anon-clone")]);
    expect(anonymous.code).not.toBe(0);

    expect((await git(["clone", "--quiet", remote("group/public"), join(root, "public-clone")])).code).toBe(0);
    const anonPush = await fetch(`${remote("group/public")}/info/refs?service=git-receive-pack`);
    expect(anonPush.status).toBe(401);
  });

  it("accepts gzip-compressed upload-pack requests", async () => {
    const main = await getBranch(repoDir("group-proj"), "main");
    const pkt = (line: string): string => (line.length + 4).toString(16).padStart(4, "0") + line;
    // Enough "have" lines to be large, the way git gzips bodies over 1 KiB.
    const haves = Array.from({ length: 40 }, (_, i) => pkt(`have ${i.toString(16).padStart(40, "a")}\n`)).join("");
    const body = pkt(`want ${main?.commit.id ?? ""} ofs-delta\n`) + "0000" + haves + pkt("done\n");
    const res = await fetch(`${remote("group/proj")}/git-upload-pack`, {
      method: "POST",
      headers: { Authorization: `Basic ${Buffer.from("oauth2:dev-token").toString("base64")}`, "Content-Type": "application/x-git-upload-pack-request", "Content-Encoding": "gzip" },
      body: gzipSync(Buffer.from(body)),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/x-git-upload-pack-result");
    expect(Buffer.from(await res.arrayBuffer()).includes("PACK")).toBe(true);
  });
});
