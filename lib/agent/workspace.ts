import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runGit, type GitCredentials, type GitRunOptions } from "./git-process";

export type { GitCredentials } from "./git-process";

/**
 * The conversation's clone. The app owns it: it clones at the branch, lets the agent work in `dir`,
 * then commits, branches and pushes itself, and always deletes it afterwards. The token is passed
 * per git command through the environment and never stored in the clone.
 */
export interface Workspace {
  dir: string;
  /** The current branch (the cloned one, or the one made by checkoutNewBranch). */
  branch: string;
  /** The commit the workspace was cloned at. */
  baseSha: string;
  /** Paths changed since baseSha, untracked files included, deletions included. */
  changedFiles(): Promise<string[]>;
  /** Commits everything; returns the new HEAD, or null when there was nothing to commit. */
  commitAll(message: string, author: { name: string; email: string }): Promise<string | null>;
  checkoutNewBranch(name: string): Promise<void>;
  /** Pushes HEAD to refs/heads/<branch>; throws GitPushRejectedError. */
  push(branch: string, credentials: GitCredentials): Promise<void>;
  cleanup(): Promise<void>;
}

export class GitWorkspaceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GitWorkspaceError";
  }
}

export type PushRejectionReason = "protected" | "non_fast_forward" | "forbidden" | "auth" | "other";

export class GitPushRejectedError extends Error {
  constructor(readonly reason: PushRejectionReason, message: string) {
    super(message);
    this.name = "GitPushRejectedError";
  }
}

/** Maps git's push stderr (with GitLab's remote messages) to a reason the UI can explain. */
export function classifyPushError(stderr: string): PushRejectionReason {
  if (/protected branch|pre-receive hook declined/i.test(stderr)) return "protected";
  if (/non-fast-forward|\[rejected\].*\((?:fetch first|stale info)\)|updates were rejected because/i.test(stderr)) return "non_fast_forward";
  if (/Authentication failed|HTTP Basic: Access denied|\b401\b|could not read Username/i.test(stderr)) return "auth";
  if (/not allowed to (?:push|upload)|\b403\b|permission to .* denied/i.test(stderr)) return "forbidden";
  return "other";
}

function gitMessage(stderr: string): string {
  // With the token in a header, a 401 makes git ask for a user name, which prompts forbid.
  if (/could not read Username|terminal prompts disabled/i.test(stderr)) {
    return "Authentication failed: the server rejected the token (HTTP 401). It may be wrong, expired or lack the read_repository/write_repository scope.";
  }
  const lines = stderr.split("\n").map((l) => l.replace(/^remote:\s*/, "").replace(/\s+/g, " ").trim()).filter((l) => l !== "" && !/^(?:To |hint:)/.test(l));
  return lines.join("\n").slice(0, 2000) || "git failed without a message";
}

/** Only plain http(s) URLs without user info: credentials must come from `credentials`, not the URL. */
function parseRepoUrl(repoUrl: string): URL {
  let url: URL;
  try {
    url = new URL(repoUrl);
  } catch {
    throw new GitWorkspaceError("The repository URL is not a valid URL.");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new GitWorkspaceError("The repository URL must use http or https.");
  if (url.username || url.password) throw new GitWorkspaceError("The repository URL must not contain credentials.");
  return url;
}

export async function cloneWorkspace(opts: { repoUrl: string; branch: string; credentials: GitCredentials; rootDir?: string; signal?: AbortSignal }): Promise<Workspace> {
  const url = parseRepoUrl(opts.repoUrl);
  if (opts.branch === "" || opts.branch.startsWith("-")) throw new GitWorkspaceError(`Invalid branch name "${opts.branch}".`);
  const root = await mkdtemp(join(opts.rootDir ?? tmpdir(), "workspace-"));
  const dir = join(root, "repo");
  const home = join(root, "git-home");
  const cleanup = (): Promise<void> => rm(root, { recursive: true, force: true });
  try {
    await mkdir(home);
    const auth = { origin: url.origin, credentials: opts.credentials };
    const cloned = await runGit(["clone", "--quiet", "--no-tags", "--single-branch", "--branch", opts.branch, "--", url.href, dir], { cwd: root, home, credentials: auth, signal: opts.signal });
    if (cloned.code !== 0) throw new GitWorkspaceError(`Cloning ${url.href} at ${opts.branch} failed: ${gitMessage(cloned.stderr)}`);
    return await openWorkspace(dir, home, opts.branch, cleanup, url.origin);
  } catch (err) {
    await cleanup();
    throw err;
  }
}

async function openWorkspace(dir: string, home: string, branch: string, cleanup: () => Promise<void>, origin: string): Promise<Workspace> {
  const base: GitRunOptions = { cwd: dir, home };
  const git = async (args: string[], extra: Partial<GitRunOptions> = {}): Promise<string> => {
    const r = await runGit(args, { ...base, ...extra });
    if (r.code !== 0) throw new GitWorkspaceError(`git ${args[0] ?? ""} failed: ${gitMessage(r.stderr)}`);
    return r.stdout;
  };
  const baseSha = (await git(["rev-parse", "HEAD"])).trim();

  const ws: Workspace = {
    dir,
    branch,
    baseSha,
    async changedFiles() {
      // Tracked changes vs the base commit (also covers commits the agent made itself) + untracked files.
      const [diff, untracked] = await Promise.all([
        git(["diff", "--name-only", "-z", "--no-renames", baseSha, "--"]),
        git(["ls-files", "--others", "--exclude-standard", "-z"]),
      ]);
      const paths = [...diff.split("\0"), ...untracked.split("\0")].filter((p) => p !== "");
      return [...new Set(paths)].sort();
    },
    async commitAll(message, author) {
      await git(["add", "--all"]);
      const staged = await runGit(["diff", "--cached", "--quiet"], base);
      const head = (await git(["rev-parse", "HEAD"])).trim();
      if (staged.code === 0) return head === baseSha ? null : head; // nothing new; the agent may have committed
      const identity = { GIT_AUTHOR_NAME: author.name, GIT_AUTHOR_EMAIL: author.email, GIT_COMMITTER_NAME: author.name, GIT_COMMITTER_EMAIL: author.email };
      await git(["-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null", "commit", "--quiet", "--no-verify", "-m", message], { env: identity });
      return (await git(["rev-parse", "HEAD"])).trim();
    },
    async checkoutNewBranch(name) {
      const valid = await runGit(["check-ref-format", "--branch", name], base);
      if (valid.code !== 0 || name.startsWith("-")) throw new GitWorkspaceError(`Invalid branch name "${name}".`);
      await git(["checkout", "--quiet", "-b", name]);
      ws.branch = name;
    },
    async push(target, credentials) {
      const valid = await runGit(["check-ref-format", "--branch", target], base);
      if (valid.code !== 0 || target.startsWith("-")) throw new GitPushRejectedError("other", `Invalid branch name "${target}".`);
      // --quiet still lists rejected refs (" ! [rejected] HEAD -> main (non-fast-forward)") on errors.
      const r = await runGit(["push", "--quiet", "origin", `HEAD:refs/heads/${target}`], { ...base, credentials: { origin, credentials } });
      if (r.code !== 0) throw new GitPushRejectedError(classifyPushError(r.stderr), gitMessage(r.stderr));
    },
    cleanup,
  };
  return ws;
}

/** Clones, runs `fn`, and deletes the workspace whatever happens. */
export async function withWorkspace<T>(opts: Parameters<typeof cloneWorkspace>[0], fn: (ws: Workspace) => Promise<T>): Promise<T> {
  const ws = await cloneWorkspace(opts);
  try {
    return await fn(ws);
  } finally {
    await ws.cleanup();
  }
}
