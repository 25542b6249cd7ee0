// Bare repositories of sandbox projects, one `<project id>.git` per project under a temp root.
// Repositories without seed files are created lazily on first git access, so seeding thousands of
// projects spawns no git process; an empty project answers branch queries without touching git.
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { compareRefs, createBareRepository, createBranch, getBranch, listBranches, readFileAtRef, runGit, type BranchInfo, type CommitInfo, type DiffEntry } from "./git-repo";
import type { Project, Store } from "./store";

export class RepoManager {
  constructor(readonly root: string, private readonly store: Store) {}

  dirFor(projectId: number): string {
    return join(this.root, `${projectId}.git`);
  }

  async init(): Promise<void> {
    await mkdir(this.root, { recursive: true });
  }

  /** Creates the bare repository (with its seed files) once; concurrent callers share the work. */
  async ensure(project: Project): Promise<void> {
    const repo = project.repo;
    if (repo.ready) return;
    if (!repo.creating) {
      const author = this.store.users.get(project.creatorId);
      const parent = project.forkedFromId ? this.store.projects.get(project.forkedFromId) : undefined;
      // A fork starts as a copy of its parent's repository (GitLab's fork: all branches and tags).
      const create = parent
        ? this.ensure(parent).then(async () => {
            const r = await runGit(null, ["clone", "--quiet", "--bare", "--no-local", parent.repo.dir, repo.dir]);
            if (r.code !== 0) throw new Error(`fork failed: ${r.stderr.trim()}`);
          })
        : null;
      repo.creating = (create ?? createBareRepository(repo.dir, {
        defaultBranch: project.defaultBranch,
        files: repo.initialFiles,
        authorName: author?.name ?? "Administrator",
        authorEmail: author?.email ?? "admin@example.com",
        message: "Initial commit\n",
      })).then(() => {
        repo.ready = true;
      }).finally(() => {
        repo.creating = null;
      });
    }
    await repo.creating;
  }

  /** True when git cannot know anything yet: no seed files and never created (so never pushed to). */
  private untouchedEmpty(project: Project): boolean {
    return !project.repo.ready && project.repo.creating === null && Object.keys(project.repo.initialFiles).length === 0 && !project.forkedFromId;
  }

  async branches(project: Project): Promise<BranchInfo[]> {
    if (this.untouchedEmpty(project)) return [];
    await this.ensure(project);
    return listBranches(project.repo.dir);
  }

  async branch(project: Project, name: string): Promise<BranchInfo | null> {
    if (this.untouchedEmpty(project)) return null;
    await this.ensure(project);
    return getBranch(project.repo.dir, name);
  }

  async createBranch(project: Project, name: string, ref: string): Promise<BranchInfo | null> {
    await this.ensure(project);
    return createBranch(project.repo.dir, name, ref);
  }

  async compare(project: Project, from: string, to: string): Promise<{ commits: CommitInfo[]; diffs: DiffEntry[] }> {
    await this.ensure(project);
    return compareRefs(project.repo.dir, from, to);
  }

  /**
   * Copies `branch` of `source` (a fork) into `target` as `ref` (GitLab keeps a fork MR's head as
   * refs/merge-requests/<iid>/head in the target repository), so the two can be compared.
   */
  async fetchInto(target: Project, source: Project, branch: string, ref: string): Promise<boolean> {
    await Promise.all([this.ensure(target), this.ensure(source)]);
    const r = await runGit(target.repo.dir, ["fetch", "--quiet", "--no-tags", source.repo.dir, `+refs/heads/${branch}:${ref}`]);
    return r.code === 0;
  }

  async readFile(project: Project, ref: string, path: string): Promise<string | null> {
    if (this.untouchedEmpty(project)) return null;
    await this.ensure(project);
    return readFileAtRef(project.repo.dir, ref, path);
  }

  /**
   * Commits file changes (content, or null to delete) on `branch`, starting it from `startBranch` when
   * it does not exist yet: what a push would do, without a git client (tests, demo, control API).
   */
  async commitFiles(project: Project, opts: { branch: string; startBranch?: string; files: Record<string, string | null>; message: string; authorName: string; authorEmail: string }): Promise<BranchInfo> {
    await this.ensure(project);
    const existing = await getBranch(project.repo.dir, opts.branch);
    const from = existing ? `refs/heads/${opts.branch}^0` : opts.startBranch ? `refs/heads/${opts.startBranch}^0` : null;
    if (!existing && opts.startBranch && !(await getBranch(project.repo.dir, opts.startBranch))) throw new Error(`unknown start branch ${opts.startBranch}`);
    const clean = (s: string): string => s.replace(/[<>\n]/g, "");
    const who = `${clean(opts.authorName)} <${clean(opts.authorEmail)}> ${Math.floor(Date.now() / 1000)} +0000`;
    const message = Buffer.from(opts.message.endsWith("\n") ? opts.message : `${opts.message}\n`);
    const parts: Buffer[] = [Buffer.from(`commit refs/heads/${opts.branch}\nauthor ${who}\ncommitter ${who}\ndata ${message.length}\n`), message, Buffer.from("\n")];
    if (from) parts.push(Buffer.from(`from ${from}\n`));
    for (const [path, content] of Object.entries(opts.files)) {
      const quoted = JSON.stringify(path.replace(/^\/+/, ""));
      if (content === null) {
        parts.push(Buffer.from(`D ${quoted}\n`));
        continue;
      }
      const data = Buffer.from(content, "utf8");
      parts.push(Buffer.from(`M 100644 inline ${quoted}\ndata ${data.length}\n`), data, Buffer.from("\n"));
    }
    parts.push(Buffer.from("done\n"));
    const r = await runGit(project.repo.dir, ["fast-import", "--quiet", "--done"], Buffer.concat(parts));
    if (r.code !== 0) throw new Error(`commit failed: ${r.stderr.trim()}`);
    const branch = await getBranch(project.repo.dir, opts.branch);
    if (!branch) throw new Error("commit failed: branch missing afterwards");
    project.hasCommits = true;
    return branch;
  }

  /** Waits for pending creations, then deletes every repository (reset keeps the root). */
  async clear(): Promise<void> {
    await Promise.allSettled([...this.store.projects.values()].map((p) => p.repo.creating ?? Promise.resolve()));
    await rm(this.root, { recursive: true, force: true });
    await mkdir(this.root, { recursive: true });
  }

  async destroy(): Promise<void> {
    await Promise.allSettled([...this.store.projects.values()].map((p) => p.repo.creating ?? Promise.resolve()));
    await rm(this.root, { recursive: true, force: true });
  }
}
