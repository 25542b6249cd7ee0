import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareRefs, createBareRepository, createBranch, getBranch, GitRepoError, listBranches, readFileAtRef, runGit } from "./git-repo";

let root = "";
let repo = "";

// Adds a commit on top of <branch> with plumbing only, as a push would.
async function commitOnBranch(dir: string, branch: string, changes: { path: string; content: string | null }[], message: string): Promise<void> {
  const lines = [`commit refs/heads/${branch}`, "author Dev <dev@example.com> 1700000000 +0100", "committer Dev <dev@example.com> 1700000000 +0100", `data ${Buffer.byteLength(message)}`, message, `from refs/heads/${branch}^0`];
  for (const c of changes) {
    if (c.content === null) lines.push(`D ${c.path}`);
    else lines.push(`M 100644 inline ${c.path}`, `data ${Buffer.byteLength(c.content)}`, c.content);
  }
  const r = await runGit(dir, ["fast-import", "--quiet", "--done"], Buffer.from(lines.join("\n") + "\ndone\n"));
  expect(r.stderr).toBe("");
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "git-repo-test-"));
  repo = join(root, "group", "proj.git");
  await createBareRepository(repo, {
    defaultBranch: "main",
    files: { "README.md": "# Project\n\nHello\n", "src/app.ts": "export const a = 1;\n", "docs/old.md": "old\n", "naïve \"name\".txt": "ü\n" },
    authorName: "Alice Admin",
    authorEmail: "alice@example.com",
  });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("git-repo", () => {
  it("creates a bare repository with an initial commit holding the files", async () => {
    const branches = await listBranches(repo);
    expect(branches.map((b) => b.name)).toEqual(["main"]);
    const commit = branches[0]?.commit;
    expect(commit?.id).toMatch(/^[0-9a-f]{40}$/);
    expect(commit?.short_id).toBe(commit?.id.slice(0, 8));
    expect(commit).toMatchObject({ title: "Initial commit", message: "Initial commit\n", author_name: "Alice Admin", author_email: "alice@example.com", committer_email: "alice@example.com", parent_ids: [] });
    expect(commit?.authored_date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
    expect(commit?.created_at).toBe(commit?.committed_date);
    expect(await readFileAtRef(repo, "main", "src/app.ts")).toBe("export const a = 1;\n");
    expect(await readFileAtRef(repo, "main", "naïve \"name\".txt")).toBe("ü\n");
    expect(await readFileAtRef(repo, "main", "missing.txt")).toBeNull();
    expect(await readFileAtRef(repo, "nope", "README.md")).toBeNull();
    expect(await readFileAtRef(repo, "main", "src")).toBeNull(); // a tree, not a file
  });

  it("creates an empty repository when there are no files", async () => {
    const empty = join(root, "empty.git");
    await createBareRepository(empty, { defaultBranch: "trunk", files: {}, authorName: "A", authorEmail: "a@example.com" });
    expect(await listBranches(empty)).toEqual([]);
    const head = await runGit(empty, ["symbolic-ref", "HEAD"]);
    expect(head.stdout.toString().trim()).toBe("refs/heads/trunk");
  });

  it("creates and reads branches", async () => {
    const created = await createBranch(repo, "feature/x", "main");
    const main = await getBranch(repo, "main");
    expect(created?.name).toBe("feature/x");
    expect(created?.commit.id).toBe(main?.commit.id);
    expect(await createBranch(repo, "other", "does-not-exist")).toBeNull();
    await expect(createBranch(repo, "feature/x", "main")).rejects.toMatchObject({ reason: "branch_exists" });
    await expect(createBranch(repo, "bad..name", "main")).rejects.toBeInstanceOf(GitRepoError);
    expect(await getBranch(repo, "feature")).toBeNull(); // prefix of feature/x, not a branch
    expect(await getBranch(repo, "feature/*")).toBeNull();
    expect((await listBranches(repo)).map((b) => b.name)).toEqual(["feature/x", "main"]);
  });

  it("compares refs like GitLab's merge request changes", async () => {
    await createBranch(repo, "topic", "main");
    await commitOnBranch(repo, "topic", [{ path: "src/app.ts", content: "export const a = 2;\n" }, { path: "src/new.ts", content: "new\n" }, { path: "docs/old.md", content: null }], "Change a\n\nLonger body\n");
    await commitOnBranch(repo, "main", [{ path: "README.md", content: "# Project\n\nMain moved on\n" }], "Main only\n");

    const { commits, diffs } = await compareRefs(repo, "main", "topic");
    expect(commits.map((c) => c.title)).toEqual(["Change a"]);
    expect(commits[0]).toMatchObject({ message: "Change a\n\nLonger body\n", author_name: "Dev", authored_date: "2023-11-14T23:13:20+01:00" });
    expect(commits[0]?.parent_ids).toHaveLength(1);
    // Three-dot diff: README.md changed only on main, so it is not part of the changes.
    expect(diffs.map((d) => d.new_path).sort()).toEqual(["docs/old.md", "src/app.ts", "src/new.ts"]);
    const changed = diffs.find((d) => d.new_path === "src/app.ts");
    expect(changed).toMatchObject({ old_path: "src/app.ts", a_mode: "100644", b_mode: "100644", new_file: false, deleted_file: false, renamed_file: false });
    expect(changed?.diff).toBe("@@ -1 +1 @@\n-export const a = 1;\n+export const a = 2;\n");
    expect(diffs.find((d) => d.new_path === "src/new.ts")).toMatchObject({ new_file: true, a_mode: "0", b_mode: "100644", diff: "@@ -0,0 +1 @@\n+new\n" });
    expect(diffs.find((d) => d.old_path === "docs/old.md")).toMatchObject({ deleted_file: true, b_mode: "0", diff: "@@ -1 +0,0 @@\n-old\n" });
  });

  it("reports renames and rejects unknown refs", async () => {
    await createBranch(repo, "rename", "main");
    await runGit(repo, ["fast-import", "--quiet", "--done"], Buffer.from("commit refs/heads/rename\ncommitter D <d@e> 1700000000 +0000\ndata 3\nmv\nfrom refs/heads/rename^0\nR src/app.ts src/main.ts\ndone\n"));
    const { diffs } = await compareRefs(repo, "main", "rename");
    expect(diffs).toEqual([{ old_path: "src/app.ts", new_path: "src/main.ts", a_mode: "100644", b_mode: "100644", diff: "", new_file: false, renamed_file: true, deleted_file: false }]);
    await expect(compareRefs(repo, "main", "nope")).rejects.toMatchObject({ reason: "unknown_ref" });
    await expect(compareRefs(repo, "--output=/tmp/x", "main")).rejects.toBeInstanceOf(GitRepoError);
  });
});
