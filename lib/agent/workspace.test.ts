import { installFakeCodex } from "./testing/sandbox-helpers";
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleGitRequest, isGitRequest, type GitHttpDeps } from "@gitlab-agent/gitlab-sandbox/git-http";
import { createBareRepository, getBranch, readFileAtRef } from "@gitlab-agent/gitlab-sandbox/git-repo";
import { shapeRedactor } from "@/lib/redaction";
import type { AgentEvent } from "./events";
import { createRuntime } from "./runtime";
import { classifyPushError, cloneWorkspace, GitPushRejectedError, GitWorkspaceError, withWorkspace } from "./workspace";

const TOKENS: Record<string, { userId: number; scopes: string[] }> = {
  "dev-token-123": { userId: 1, scopes: ["api"] },
  "read-token-456": { userId: 2, scopes: ["read_repository"] },
};
let root = "";
let base = "";
let server: Server;
const authHeaders: string[] = [];
const bare = (): string => join(root, "repos", "group-proj.git");

const deps: GitHttpDeps = {
  resolveRepository: (fullPath) => (fullPath === "group/proj" ? { projectId: 1, dir: bare(), visibility: "private" } : null),
  authenticate: (_user, password) => TOKENS[password] ?? null,
  accessLevel: () => 30,
};

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "workspace-test-"));
  await createBareRepository(bare(), { defaultBranch: "main", files: { "README.md": "# Proj\n", "src/a.ts": "export const a = 1;\n" }, authorName: "Owner", authorEmail: "owner@example.com" });
  server = createServer((req, res) => {
    if (req.headers.authorization) authHeaders.push(req.headers.authorization);
    if (isGitRequest(new URL(req.url ?? "/", "http://x").pathname)) void handleGitRequest(req, res, deps);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await rm(root, { recursive: true, force: true });
});

const t = (s: string) => shapeRedactor.text(s);
const repoUrl = (): string => `${base}/group/proj.git`;
const dev = { token: "dev-token-123" };
const exists = (p: string) => stat(p).then(() => true, () => false);

describe("workspace against a real git HTTP server", () => {
  it("clones, commits with the author, branches and pushes, without storing the token", async () => {
    const ws = await cloneWorkspace({ repoUrl: repoUrl(), branch: "main", credentials: dev, rootDir: root });
    try {
      expect(ws.branch).toBe("main");
      expect(ws.baseSha).toBe((await getBranch(bare(), "main"))?.commit.id);
      expect(await readFile(join(ws.dir, "README.md"), "utf8")).toBe("# Proj\n");
      // The token went only through the per-process header (Basic oauth2:<token>).
      expect(authHeaders).toContain(`Basic ${Buffer.from("oauth2:dev-token-123").toString("base64")}`);
      const config = await readFile(join(ws.dir, ".git", "config"), "utf8");
      expect(config).not.toContain("dev-token-123");
      expect(config).not.toContain(Buffer.from("oauth2:dev-token-123").toString("base64"));
      expect(config).toContain(`url = ${repoUrl()}`);

      expect(await ws.changedFiles()).toEqual([]);
      expect(await ws.commitAll(t("Nothing"), { name: "Agent", email: "agent@example.com" })).toBeNull();

      await writeFile(join(ws.dir, "hello.txt"), "hi\n");
      await writeFile(join(ws.dir, "README.md"), "# Proj\nmore\n");
      await rm(join(ws.dir, "src", "a.ts"));
      expect(await ws.changedFiles()).toEqual(["README.md", "hello.txt", "src/a.ts"]);

      const sha = await ws.commitAll(t("Add hello.txt"), { name: "GitLab Agent", email: "agent@example.com" });
      expect(sha).toMatch(/^[0-9a-f]{40}$/);
      expect(await ws.changedFiles()).toEqual(["README.md", "hello.txt", "src/a.ts"]); // still vs baseSha
      await ws.checkoutNewBranch(t("agent/hello"));
      expect(ws.branch).toBe("agent/hello");
      await ws.push("agent/hello", dev, shapeRedactor);

      const pushed = await getBranch(bare(), "agent/hello");
      expect(pushed?.commit).toMatchObject({ id: sha, title: "Add hello.txt", author_name: "GitLab Agent", author_email: "agent@example.com" });
      expect(await readFileAtRef(bare(), "agent/hello", "hello.txt")).toBe("hi\n");
      expect(await readFile(join(ws.dir, ".git", "config"), "utf8")).not.toContain("dev-token-123");
    } finally {
      await ws.cleanup();
    }
    expect(await exists(ws.dir)).toBe(false);
  });

  it("fails to clone with a wrong token, without the token in the error, and leaves nothing behind", async () => {
    const err = await cloneWorkspace({ repoUrl: repoUrl(), branch: "main", credentials: { token: "wrong-secret-token" }, rootDir: root }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitWorkspaceError);
    const message = (err as Error).message;
    expect(message).toMatch(/Authentication failed|Access denied|401/);
    expect(message).not.toContain("wrong-secret-token");
    expect(message).not.toContain(Buffer.from("oauth2:wrong-secret-token").toString("base64"));
    expect((await readdir(root)).filter((n) => n.startsWith("workspace-"))).toEqual([]);
  });

  it("refuses URLs with credentials or other schemes", async () => {
    await expect(cloneWorkspace({ repoUrl: `http://oauth2:x@127.0.0.1/group/proj.git`, branch: "main", credentials: dev })).rejects.toThrow(/must not contain credentials/);
    await expect(cloneWorkspace({ repoUrl: "ext::sh -c touch% /tmp/pwned", branch: "main", credentials: dev })).rejects.toThrow(GitWorkspaceError);
    await expect(cloneWorkspace({ repoUrl: "file:///etc", branch: "main", credentials: dev })).rejects.toThrow(/http or https/);
  });

  it("reports push rejections by reason", async () => {
    await withWorkspace({ repoUrl: repoUrl(), branch: "main", credentials: dev, rootDir: root }, async (ws) => {
      await writeFile(join(ws.dir, "x.txt"), "x\n");
      await ws.commitAll(t("x"), { name: "A", email: "a@example.com" });
      const readOnly = await ws.push("readonly", { token: "read-token-456" }, shapeRedactor).catch((e: unknown) => e);
      expect(readOnly).toBeInstanceOf(GitPushRejectedError);
      expect(readOnly).toMatchObject({ reason: "forbidden" });
      expect((readOnly as Error).message).toContain("You are not allowed to upload code.");

      const badToken = await ws.push("other", { token: "nope-token-789" }, shapeRedactor).catch((e: unknown) => e);
      expect(badToken).toMatchObject({ reason: "auth" });
      expect((badToken as Error).message).not.toContain("nope-token-789");

      // Somebody else moved main meanwhile: our diverged commit is not a fast-forward.
      await withWorkspace({ repoUrl: repoUrl(), branch: "main", credentials: dev, rootDir: root }, async (other) => {
        await writeFile(join(other.dir, "y.txt"), "y\n");
        await other.commitAll(t("y"), { name: "B", email: "b@example.com" });
        await other.push("main", dev, shapeRedactor);
      });
      const diverged = await ws.push("main", dev, shapeRedactor).catch((e: unknown) => e);
      expect(diverged).toMatchObject({ reason: "non_fast_forward" });
      expect((diverged as Error).message).toMatch(/! \[rejected\] HEAD -> main \((?:fetch first|non-fast-forward)\)/);
    });
  });

  it("classifies GitLab's protected-branch message", () => {
    expect(classifyPushError("remote: GitLab: You are not allowed to push code to protected branches on this project.\n ! [remote rejected] main -> main (pre-receive hook declined)")).toBe("protected");
    expect(classifyPushError("remote: You are not allowed to push code to this project.\nfatal: unable to access")).toBe("forbidden");
    expect(classifyPushError("fatal: Authentication failed for 'http://x/'")).toBe("auth");
    expect(classifyPushError("fatal: early EOF")).toBe("other");
  });

  it("withWorkspace cleans up when the callback throws", async () => {
    let dir = "";
    await expect(withWorkspace({ repoUrl: repoUrl(), branch: "main", credentials: dev, rootDir: root }, async (ws) => {
      dir = ws.dir;
      throw new Error("boom");
    })).rejects.toThrow("boom");
    expect(dir).not.toBe("");
    expect(await exists(dir)).toBe(false);
  });

  it("commits what a real agent subprocess wrote (command runtime, codex format)", async () => {
    const binDir = await mkdtemp(join(tmpdir(), "workspace-bin-"));
    try {
      await installFakeCodex(binDir);
      await withWorkspace({ repoUrl: repoUrl(), branch: "main", credentials: dev, rootDir: root }, async (ws) => {
        const events: AgentEvent[] = [];
        const rt = createRuntime({ runtime: "command", preset: "codex", model: { baseUrl: "http://127.0.0.1:9/v1", model: "m" } });
        const result = await rt.run(
          { workspaceDir: ws.dir, prompt: "write docs.md Hello from the agent", env: { PATH: `${binDir}:${process.env.PATH ?? ""}`, HOME: ws.dir }, conversationId: "c", signal: new AbortController().signal, timeoutMs: 30_000 },
          (e) => { events.push(e); },
        );
        expect(result).toEqual({ outcome: "resolved", summary: "Created docs.md." });
        expect(events.filter((e) => e.kind === "command")).toHaveLength(1);
        expect(await ws.changedFiles()).toEqual(["docs.md"]);
        await ws.checkoutNewBranch(t("agent/docs"));
        const sha = await ws.commitAll(t("Agent: docs"), { name: "GitLab Agent", email: "agent@example.com" });
        await ws.push(ws.branch, dev, shapeRedactor);
        expect((await getBranch(bare(), "agent/docs"))?.commit.id).toBe(sha);
        expect(await readFileAtRef(bare(), "agent/docs", "docs.md")).toBe("Hello from the agent\n");
      });
    } finally {
      await rm(binDir, { recursive: true, force: true });
    }
  });
});

// Issue 13: the app's own git commands run nothing the agent wrote (hooks, fsmonitor, filters,
// credential helpers, aliases), whether it wrote them into its checkout's .git or, with no sandbox
// around it, into the app's git directory next to it.
describe("the app's git runs nothing of the agent's", () => {
  async function plant(gitDir: string, markers: string): Promise<void> {
    const { mkdir } = await import("node:fs/promises");
    await mkdir(join(gitDir, "hooks"), { recursive: true });
    for (const hook of ["pre-push", "pre-commit", "reference-transaction", "post-commit", "commit-msg", "post-checkout"]) {
      await writeFile(join(gitDir, "hooks", hook), `#!/bin/sh\necho "$0 $(env | grep -i -e token -e config_value -e auth)" >> "${markers}/${hook}"\nexit 0\n`);
      await chmod(join(gitDir, "hooks", hook), 0o755);
    }
    const fsmonitor = join(markers, "..", `fsmonitor-${Math.random().toString(36).slice(2)}.sh`);
    await writeFile(fsmonitor, `#!/bin/sh\ntouch "${markers}/fsmonitor"\n`);
    await chmod(fsmonitor, 0o755);
    const config = await readFile(join(gitDir, "config"), "utf8");
    await writeFile(
      join(gitDir, "config"),
      `${config}[core]\n\tfsmonitor = ${fsmonitor}\n\thooksPath = hooks\n[credential]\n\thelper = "!f() { touch ${markers}/credential-helper; }; f"\n` +
        `[filter "evil"]\n\tclean = "touch ${markers}/filter-clean; cat"\n\tsmudge = "touch ${markers}/filter-smudge; cat"\n[diff "evil"]\n\ttextconv = "touch ${markers}/textconv; cat"\n` +
        `[alias]\n\tcommit = "!touch ${markers}/alias"\n[include]\n\tpath = ${markers}/included\n`,
    );
    await mkdir(join(gitDir, "info"), { recursive: true });
    await writeFile(join(gitDir, "info", "attributes"), "* filter=evil diff=evil\n");
  }

  it("a planted pre-push, pre-commit, reference-transaction hook and core.fsmonitor: none runs during the app's commit and push", async () => {
    const markers = await mkdtemp(join(tmpdir(), "markers-"));
    try {
      await withWorkspace({ repoUrl: repoUrl(), branch: "main", credentials: dev, rootDir: root }, async (ws) => {
        // The agent's checkout has its own .git (the app's lives next to it): plant in both.
        await plant(join(ws.dir, ".git"), markers);
        await plant(join(ws.dir, "..", "app.git"), markers);
        await writeFile(join(ws.dir, ".gitattributes"), "* filter=evil diff=evil\n");
        await writeFile(join(ws.dir, "planted.txt"), "the agent's work\n");

        // Sanity: the planted hooks and fsmonitor do work for a git run in the checkout (the agent's own use).
        const { execFileSync } = await import("node:child_process");
        execFileSync("git", ["-C", ws.dir, "status", "--short"], { env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" } });
        expect(await readdir(markers)).toContain("fsmonitor");
        await rm(markers, { recursive: true, force: true });
        const { mkdir } = await import("node:fs/promises");
        await mkdir(markers);

        expect(await ws.changedFiles()).toEqual([".gitattributes", "planted.txt"]);
        await ws.checkoutNewBranch(t("agent/hooks"));
        const sha = await ws.commitAll(t("Agent: planted"), { name: "GitLab Agent", email: "agent@example.com" });
        await ws.push(ws.branch, dev, shapeRedactor);
        expect((await getBranch(bare(), "agent/hooks"))?.commit.id).toBe(sha);
        // committed as written: no clean filter ran
        expect(await readFileAtRef(bare(), "agent/hooks", "planted.txt")).toBe("the agent's work\n");
        expect(await readdir(markers)).toEqual([]);
      });
    } finally {
      await rm(markers, { recursive: true, force: true });
    }
  });

  it("the agent's .git is its own copy: git works in the checkout, and the token is in none of its files", async () => {
    await withWorkspace({ repoUrl: repoUrl(), branch: "main", credentials: dev, rootDir: root }, async (ws) => {
      const { execFileSync } = await import("node:child_process");
      const env = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1", GIT_AUTHOR_NAME: "a", GIT_AUTHOR_EMAIL: "a@x", GIT_COMMITTER_NAME: "a", GIT_COMMITTER_EMAIL: "a@x" };
      await writeFile(join(ws.dir, "mine.txt"), "x\n");
      execFileSync("git", ["-C", ws.dir, "add", "mine.txt"], { env });
      execFileSync("git", ["-C", ws.dir, "commit", "-qm", "agent commit"], { env });
      expect((await stat(join(ws.dir, ".git"))).isDirectory()).toBe(true);
      // The agent's commit moved only its own HEAD; the app still sees its base and the change.
      expect(execFileSync("git", ["-C", join(ws.dir, "..", "app.git"), "rev-parse", "HEAD"], { env }).toString().trim()).toBe(ws.baseSha);
      expect(await ws.changedFiles()).toEqual(["mine.txt"]);
      const { readdir: list } = await import("node:fs/promises");
      const entries = await list(join(ws.dir, ".."), { recursive: true, withFileTypes: true });
      for (const e of entries.filter((x) => x.isFile())) {
        const content = await readFile(join(e.parentPath, e.name));
        expect(content.includes("dev-token-123"), join(e.parentPath, e.name)).toBe(false);
        expect(content.includes(Buffer.from("oauth2:dev-token-123").toString("base64")), e.name).toBe(false);
      }
    });
  });
});

describe("push credentials", () => {
  // An observer of the same user polls every process's environment and argument list while the app
  // clones and pushes (what an unsandboxed agent could read in /proc): neither the token nor its
  // Basic-auth encoding ever shows up there.
  it("never appear in any process's environment or argument list during clone and push", async () => {
    const { readdir: list, readFile: read } = await import("node:fs/promises");
    const needles = [dev.token, Buffer.from(`oauth2:${dev.token}`).toString("base64")];
    const seen: string[] = [];
    let scans = 0;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const pids = (await list("/proc")).filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid);
        await Promise.all(
          pids.flatMap((pid) =>
            ["environ", "cmdline"].map(async (file) => {
              const content = await read(`/proc/${pid}/${file}`).catch(() => null);
              if (content && needles.some((n) => content.includes(n))) seen.push(`${pid}/${file}`);
            }),
          ),
        );
        scans++;
      }
    })();
    try {
      for (let i = 0; i < 3; i++) {
        await withWorkspace({ repoUrl: repoUrl(), branch: "main", credentials: dev, rootDir: root }, async (ws) => {
          await writeFile(join(ws.dir, `watched-${i}.txt`), "x\n");
          await ws.checkoutNewBranch(t(`agent/watched-${i}-${Date.now()}`));
          await ws.commitAll(t("watched"), { name: "A", email: "a@example.com" });
          await ws.push(ws.branch, dev, shapeRedactor);
        });
      }
    } finally {
      watching = false;
      await watcher;
    }
    expect(scans).toBeGreaterThan(3);
    expect(seen).toEqual([]);
  });
});
