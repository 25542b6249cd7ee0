import { execFileSync } from "node:child_process";
import { appendFile, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleGitRequest, isGitRequest, type GitHttpDeps } from "@gitlab-agent/gitlab-sandbox/git-http";
import { createBareRepository, readFileAtRef } from "@gitlab-agent/gitlab-sandbox/git-repo";
import { Redactor, shapeRedactor } from "@/lib/redaction";
import { cloneWorkspace, GitPushRejectedError, GitWorkspaceError, MAX_PUSH_SCAN_CHARS } from "./workspace";

/**
 * Attack 13 on the app's own git: the agent (here: this test, writing what an agent could write in
 * its checkout) plants every git feature that can run a program or read a host file, then the app
 * commits and pushes. Nothing may run (no marker file appears), the push carries links, not the
 * content they point at, and odd file names or option-like branch names change nothing.
 */
const TOKEN = "dev-token-1234567890";
let root = "";
let marks = "";
let base = "";
let server: Server;
const bare = (): string => join(root, "repos", "group-proj.git");
const deps: GitHttpDeps = {
  resolveRepository: (fullPath) => (fullPath === "group/proj" ? { projectId: 1, dir: bare(), visibility: "private" } : null),
  authenticate: (_user, password) => (password === TOKEN ? { userId: 1, scopes: ["api"] } : null),
  accessLevel: () => 30,
};

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "git-attacks-"));
  marks = join(root, "marks");
  await mkdir(marks);
  await createBareRepository(bare(), { defaultBranch: "main", files: { "README.md": "# Proj\n" }, authorName: "Owner", authorEmail: "owner@example.com" });
  server = createServer((req, res) => {
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

const mark = (name: string): string => `touch ${join(marks, name)}`;

describe("the app's commit and push against a hostile checkout", () => {
  it("runs none of the agent's drivers, submodules, git dirs or aliases, and pushes links as links", async () => {
    const ws = await cloneWorkspace({ repoUrl: `${base}/group/proj.git`, branch: "main", credentials: { token: TOKEN }, rootDir: root });
    try {
      const d = ws.dir;
      // Drivers named by attributes, defined in the agent's git config (which the app never reads).
      await writeFile(join(d, ".gitattributes"), "* filter=evil diff=evil merge=evil\n*.txt text eol=crlf\n");
      await appendFile(
        join(d, ".git", "config"),
        `[filter "evil"]\n\tclean = ${mark("clean")}\n\tsmudge = ${mark("smudge")}\n\trequired = true\n[diff "evil"]\n\tcommand = ${mark("diff")}\n\ttextconv = ${mark("textconv")}\n` +
          `[core]\n\tworktree = /etc\n\tpager = ${mark("pager")}\n\tfsmonitor = ${mark("fsmonitor")}\n[alias]\n\tcommit = !${mark("alias")}\n\tadd = !${mark("alias")}\n`,
      );
      // A submodule whose URL is a command, and a nested repository whose `.git` is a FILE pointing
      // at a git directory with a hook and fsmonitor of its own.
      await writeFile(join(d, ".gitmodules"), `[submodule "x"]\n\tpath = sub\n\turl = ext::sh -c ${mark("ext")}\n`);
      const evilWork = join(root, "evil");
      const evilGitDir = join(evilWork, ".git");
      const id = ["-c", "user.name=x", "-c", "user.email=x@example.com"];
      execFileSync("git", ["init", "--quiet", evilWork]);
      execFileSync("git", ["-C", evilWork, ...id, "commit", "--quiet", "--allow-empty", "-m", "nested"]);
      execFileSync("git", ["-C", evilWork, "config", "core.fsmonitor", mark("nested-fsmonitor")]);
      execFileSync("git", ["-C", evilWork, "config", "core.hooksPath", join(evilGitDir, "hooks")]);
      await writeFile(join(evilGitDir, "hooks", "pre-commit"), `#!/bin/sh\n${mark("nested-hook")}\n`, { mode: 0o755 });
      await mkdir(join(d, "sub"));
      await writeFile(join(d, "sub", ".git"), `gitdir: ${evilGitDir}\n`);
      await writeFile(join(d, "sub", "file.txt"), "inside\n");
      // Links to host files and to the app's own git directory.
      await symlink("/etc/passwd", join(d, "passwd"));
      await symlink("../app.git/config", join(d, "appconfig"));
      // File names that break line-based parsing, or look like options.
      await writeFile(join(d, "two\nlines.txt"), "x\n");
      await writeFile(join(d, "--upload-pack=touch pwned"), "x\n");
      await writeFile(join(d, "tab\tand\u0007bell.txt"), "x\n");

      const changed = await ws.changedFiles();
      expect(changed).toEqual(expect.arrayContaining(["two\nlines.txt", "--upload-pack=touch pwned", "tab\tand\u0007bell.txt", "passwd", "appconfig", ".gitattributes", ".gitmodules"]));
      const sha = await ws.commitAll(shapeRedactor.text("Hostile checkout"), { name: "Agent", email: "agent@example.com" });
      expect(sha).toMatch(/^[0-9a-f]{40}$/);

      // Option-like branch names are refused before git sees them.
      await expect(ws.checkoutNewBranch(shapeRedactor.branchName("--upload-pack=touch x"))).rejects.toBeInstanceOf(GitWorkspaceError);
      await expect(ws.push("--receive-pack=touch x", { token: TOKEN }, shapeRedactor)).rejects.toBeInstanceOf(GitPushRejectedError);
      await ws.push("hostile", { token: TOKEN }, shapeRedactor);

      // Links went up as links (their target), never the content of the host file.
      expect(await readFileAtRef(bare(), "hostile", "passwd")).toBe("/etc/passwd");
      expect(await readFileAtRef(bare(), "hostile", "appconfig")).toBe("../app.git/config");
      expect(await readFileAtRef(bare(), "hostile", "two\nlines.txt")).toBe("x\n");
      // No driver ran: `clean` would have rewritten the content, and would have left a mark.
      expect(await readFileAtRef(bare(), "hostile", "README.md")).toBe("# Proj\n");
      expect(await readdir(marks)).toEqual([]);
    } finally {
      await ws.cleanup();
    }
    expect(await readdir(marks)).toEqual([]);
  }, 30_000);

  it("refuses to push the pushing token or a run secret written into a file, whatever the encoding", async () => {
    const secret = "my-very-own-secret-value";
    const guard = new Redactor([{ name: "custom", value: secret }]);
    for (const [name, content] of [
      ["plain.txt", `token=${TOKEN}\n`],
      ["b64.bin", Buffer.from(`oauth2:${secret}`).toString("base64")],
      ["rev.txt", [...secret].reverse().join("")],
      ["utf16.txt", Buffer.from(`token: ${secret}`, "utf16le")],
      [`name-${secret}.txt`, "innocent\n"],
    ] as [string, string | Buffer][]) {
      const ws = await cloneWorkspace({ repoUrl: `${base}/group/proj.git`, branch: "main", credentials: { token: TOKEN }, rootDir: root });
      try {
        await writeFile(join(ws.dir, name), content);
        await ws.commitAll(shapeRedactor.text("leak"), { name: "Agent", email: "agent@example.com" });
        const refused = await ws.push(`leak-${name.length}`, { token: TOKEN }, guard).catch((e: unknown) => e);
        expect(refused, name).toBeInstanceOf(GitPushRejectedError);
        expect((refused as GitPushRejectedError).reason).toBe("secret");
      } finally {
        await ws.cleanup();
      }
    }
    // Nothing of those branches reached the server.
    expect(execFileSync("git", ["--git-dir", bare(), "branch", "--list", "leak-*"]).toString()).toBe("");
  }, 30_000);

  it("a diff too large to search is refused, without reading it whole into memory", async () => {
    const ws = await cloneWorkspace({ repoUrl: `${base}/group/proj.git`, branch: "main", credentials: { token: TOKEN }, rootDir: root });
    try {
      await writeFile(join(ws.dir, "huge.txt"), Buffer.alloc(MAX_PUSH_SCAN_CHARS + 1024, "a\n"));
      await ws.commitAll(shapeRedactor.text("huge"), { name: "Agent", email: "agent@example.com" });
      const refused = await ws.push("huge", { token: TOKEN }, shapeRedactor).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(GitPushRejectedError);
      expect((refused as Error).message).toContain("too large to check for secrets");
    } finally {
      await ws.cleanup();
    }
  }, 30_000);
});
