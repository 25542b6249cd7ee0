import { randomUUID } from "node:crypto";
import { cp, mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redactor, type RedactedText } from "@/lib/redaction";
import { runGit, type GitCredentials, type GitRunOptions, type GitRunResult } from "./git-process";

export type { GitCredentials } from "./git-process";

/**
 * The conversation's clone. The app owns it: it clones at the branch, lets the agent work in `dir`,
 * then commits, branches and pushes itself, and always deletes it afterwards.
 *
 * Two git directories (issue 13): the app's own (`app.git`, next to the checkout, never inside it
 * and never bound into the agent's sandbox) and the agent's copy in `dir/.git`. Every app git
 * command names the app's directory and the checkout explicitly, so nothing the agent writes into
 * its `.git` (hooks, fsmonitor, config, aliases, includes, filters, credential helpers) is ever read
 * by the app; see git-process.ts for the settings neutralised on every command, and for how the
 * token reaches git without an environment variable, argument or file.
 */
export interface Workspace {
  dir: string;
  /** The current branch (the cloned one, or the one made by checkoutNewBranch). */
  branch: string;
  /** The commit the workspace was cloned at. */
  baseSha: string;
  /** The repository URL it was cloned from (no credentials). */
  repoUrl: string;
  /** A local git command on the app's git directory and the checkout (diffs, apply): never the agent's `.git`. */
  git(args: string[], extra?: Pick<GitRunOptions, "maxStdoutBytes">): Promise<GitRunResult>;
  /** Paths changed since baseSha, untracked files included, deletions included. */
  changedFiles(): Promise<string[]>;
  /** Commits everything; returns the new HEAD, or null when there was nothing to commit. */
  commitAll(message: RedactedText, author: { name: string; email: string }): Promise<string | null>;
  checkoutNewBranch(name: RedactedText): Promise<void>;
  /**
   * Pushes HEAD to refs/heads/<branch>; throws GitPushRejectedError. Refuses (reason "secret") when
   * what would be pushed carries the pushing token or a secret of `guard` (the run's redactor).
   */
  push(branch: string, credentials: GitCredentials, guard: Redactor): Promise<void>;
  cleanup(): Promise<void>;
}

export class GitWorkspaceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GitWorkspaceError";
  }
}

export type PushRejectionReason = "protected" | "non_fast_forward" | "forbidden" | "auth" | "secret" | "other";

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
  const gitDir = join(root, "app.git");
  const home = join(root, "git-home");
  const cleanup = (): Promise<void> => rm(root, { recursive: true, force: true });
  try {
    await mkdir(home);
    const auth = { origin: url.origin, credentials: opts.credentials };
    const cloned = await runGit(["clone", "--quiet", "--no-tags", "--single-branch", "--branch", opts.branch, "--separate-git-dir", gitDir, "--", url.href, dir], {
      cwd: root,
      home,
      credentials: auth,
      signal: opts.signal,
    });
    if (cloned.code !== 0) throw new GitWorkspaceError(`Cloning ${url.href} at ${opts.branch} failed: ${gitMessage(cloned.stderr)}`);
    const trusted = await readFile(join(gitDir, "config"));
    // The checkout's `.git` is a pointer to the app's git directory: replace it with the agent's own
    // copy, so git in the checkout works for the agent and writes only there.
    await rm(join(dir, ".git"), { force: true });
    await cp(gitDir, join(dir, ".git"), { recursive: true });
    return await openWorkspace({ dir, gitDir, trustedConfig: trusted, home, branch: opts.branch, cleanup, origin: url.origin, repoUrl: url.href });
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/**
 * Before every app git command the app's git directory is put back as the clone left it: its config
 * (the only config file git reads besides ours, whose settings could name programs: filters,
 * textconv, aliases, ssh commands, includes) and no `info/attributes`. The agent never sees this
 * directory in the sandbox; without the sandbox this undoes whatever it wrote there. Hooks and
 * fsmonitor are off on every command line anyway (git-process.ts).
 */
async function restoreTrustedGitDir(gitDir: string, trustedConfig: Buffer): Promise<void> {
  // Written to a fresh file and renamed over it: a symlink planted in its place is replaced, not
  // followed, and concurrent commands of one workspace never see a half-written file.
  const fresh = join(gitDir, `config.restore-${randomUUID()}`);
  await writeFile(fresh, trustedConfig, { flag: "wx" });
  await rename(fresh, join(gitDir, "config"));
  await rm(join(gitDir, "info", "attributes"), { force: true });
}

interface OpenOptions {
  dir: string;
  gitDir: string;
  trustedConfig: Buffer;
  home: string;
  branch: string;
  cleanup: () => Promise<void>;
  origin: string;
  repoUrl: string;
}

async function openWorkspace(o: OpenOptions): Promise<Workspace> {
  const { dir, gitDir, home, cleanup, origin } = o;
  // Explicit --git-dir/--work-tree: git never looks for a repository in the checkout (the agent's).
  const run = async (args: string[], extra: Partial<GitRunOptions> = {}): Promise<GitRunResult> => {
    await restoreTrustedGitDir(gitDir, o.trustedConfig);
    return runGit([`--git-dir=${gitDir}`, `--work-tree=${dir}`, ...args], { cwd: dir, home, ...extra });
  };
  const git = async (args: string[], extra: Partial<GitRunOptions> = {}): Promise<string> => {
    const r = await run(args, extra);
    if (r.code !== 0) throw new GitWorkspaceError(`git ${args[0] ?? ""} failed: ${gitMessage(r.stderr)}`);
    return r.stdout;
  };
  const baseSha = (await git(["rev-parse", "HEAD"])).trim();

  const ws: Workspace = {
    dir,
    branch: o.branch,
    baseSha,
    repoUrl: o.repoUrl,
    git: (args, extra) => run(args, extra),
    async changedFiles() {
      // Tracked changes vs the base commit + untracked files (the agent's own commits live in its
      // copy of the git directory; what counts is the working tree).
      const [diff, untracked] = await Promise.all([
        git(["diff", "--name-only", "-z", "--no-renames", "--no-ext-diff", "--no-textconv", baseSha, "--"]),
        git(["ls-files", "--others", "--exclude-standard", "-z"]),
      ]);
      const paths = [...diff.split("\0"), ...untracked.split("\0")].filter((p) => p !== "");
      return [...new Set(paths)].sort();
    },
    async commitAll(message, author) {
      await git(["add", "--all"]);
      const staged = await run(["diff", "--cached", "--quiet", "--no-ext-diff"]);
      const head = (await git(["rev-parse", "HEAD"])).trim();
      if (staged.code === 0) return head === baseSha ? null : head; // nothing new
      const identity = { GIT_AUTHOR_NAME: author.name, GIT_AUTHOR_EMAIL: author.email, GIT_COMMITTER_NAME: author.name, GIT_COMMITTER_EMAIL: author.email };
      await git(["commit", "--quiet", "--no-verify", "-m", message], { env: identity });
      return (await git(["rev-parse", "HEAD"])).trim();
    },
    async checkoutNewBranch(name) {
      const valid = await run(["check-ref-format", "--branch", name]);
      if (valid.code !== 0 || name.startsWith("-")) throw new GitWorkspaceError(`Invalid branch name "${name}".`);
      // Only the app's HEAD moves; the working tree is the agent's and stays as it is.
      await git(["checkout", "--quiet", "-b", name]);
      ws.branch = name;
    },
    async push(target, credentials, guard) {
      const valid = await run(["check-ref-format", "--branch", target]);
      if (valid.code !== 0 || target.startsWith("-")) throw new GitPushRejectedError("other", `Invalid branch name "${target}".`);
      await refuseSecretsInPush(git, run, baseSha, guard.with({ name: "pushing token", value: credentials.token }));
      // --quiet still lists rejected refs (" ! [rejected] HEAD -> main (non-fast-forward)") on errors.
      const r = await run(["push", "--quiet", "--no-verify", "origin", `HEAD:refs/heads/${target}`], { credentials: { origin, credentials } });
      if (r.code !== 0) throw new GitPushRejectedError(classifyPushError(r.stderr), gitMessage(r.stderr));
    },
    cleanup,
  };
  return ws;
}

/**
 * Attack 13: the agent writes the token into a file (or a file name, or a symlink's target) and the
 * app's own commit carries it to GitLab, where redacting comments does not help. Before every push
 * the content being published (everything added since the clone, file names and symlink targets
 * included; `--text` so binary files are searched too) is searched for the run's secrets, and the
 * push is refused with a message saying so. Removed lines are skipped: they are on GitLab already.
 * Not caught: a secret compressed or encrypted first (see lib/redaction/redaction-attacks.test.ts).
 */
async function refuseSecretsInPush(git: (args: string[], extra?: Partial<GitRunOptions>) => Promise<string>, run: (args: string[], extra?: Partial<GitRunOptions>) => Promise<GitRunResult>, baseSha: string, guard: Redactor): Promise<void> {
  const textDiff = await run(["diff", "--text", "--unified=0", "--no-renames", "--no-ext-diff", "--no-textconv", "--no-color", baseSha, "HEAD", "--"], { maxStdoutBytes: MAX_PUSH_SCAN_CHARS });
  // Too large to search is refused too: a secret inside a huge file must not get through unread.
  if (textDiff.truncated) throw new GitPushRejectedError("secret", `The changes are too large to check for secrets (over ${MAX_PUSH_SCAN_CHARS / 1024 / 1024} MB of diff), so nothing was pushed.`);
  if (textDiff.code !== 0) throw new GitWorkspaceError(`git diff failed: ${gitMessage(textDiff.stderr)}`);
  const diff = textDiff.stdout;
  const added = addedSide(diff);
  // File names come quoted and octal-escaped ("\303\251") in git's headers: ask for them raw too.
  const names = await git(["diff", "--name-only", "-z", "--no-renames", baseSha, "HEAD", "--"]);
  if (guard.reveals(added) || guard.reveals(names.split("\0").join("\n"))) {
    throw new GitPushRejectedError(
      "secret",
      "The changes contain a secret of this run (a token or one of your secrets) in a file, a file name or a link, so nothing was pushed. Ask the agent to remove it.",
    );
  }
}

/** What the push guard reads at most; a diff this large is refused rather than read whole into memory. */
export const MAX_PUSH_SCAN_CHARS = 64 * 1024 * 1024;

/** A diff without its removed lines (already on GitLab) and hunk/index headers: what it adds, names included. */
export function addedSide(diff: string): string {
  return diff
    .split("\n")
    .filter((line) => !line.startsWith("-") && !line.startsWith("@@ ") && !line.startsWith("index "))
    .join("\n");
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
