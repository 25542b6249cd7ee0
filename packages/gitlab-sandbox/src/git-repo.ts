// Real bare repositories for the GitLab sandbox, driven through the `git` CLI.
// Every call uses a fixed, config-free environment so results never depend on the
// machine's git setup, and hot-path helpers stay at one or two git invocations.
import { spawn } from "node:child_process";
import { tmpdir } from "node:os";

export interface CommitInfo { id: string; short_id: string; title: string; message: string; author_name: string; author_email: string; authored_date: string; committer_name: string; committer_email: string; committed_date: string; created_at: string; parent_ids: string[] }
export interface DiffEntry { old_path: string; new_path: string; a_mode: string; b_mode: string; diff: string; new_file: boolean; renamed_file: boolean; deleted_file: boolean }
export interface BranchInfo { name: string; commit: CommitInfo }

/** Thrown for git failures callers may want to map to GitLab API errors. */
export class GitRepoError extends Error {
  constructor(message: string, readonly reason: "branch_exists" | "invalid_name" | "unknown_ref" | "git_failed", readonly stderr = "") {
    super(message);
    this.name = "GitRepoError";
  }
}

/** Environment for every git process we start: no system/global config, no prompts, C locale (stable messages). */
export function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: tmpdir(),
    LC_ALL: "C",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_TERMINAL_PROMPT: "0",
    GIT_AUTHOR_NAME: "GitLab Sandbox",
    GIT_AUTHOR_EMAIL: "sandbox@gitlab.example.com",
    GIT_COMMITTER_NAME: "GitLab Sandbox",
    GIT_COMMITTER_EMAIL: "sandbox@gitlab.example.com",
    // Next's global types make NODE_ENV a required key of ProcessEnv.
    NODE_ENV: process.env.NODE_ENV,
    ...extra,
  };
}

interface GitResult { code: number; stdout: Buffer; stderr: string }

/** Runs `git --git-dir=<dir> ...args`; spawn (not execFile) so we can feed stdin. Never throws on exit code. */
export function runGit(dir: string | null, args: string[], input?: Buffer): Promise<GitResult> {
  const fullArgs = dir === null ? args : [`--git-dir=${dir}`, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn("git", fullArgs, { env: gitEnv(), stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    child.stdin.on("error", () => undefined); // git may exit before reading all input
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString("utf8") }));
    child.stdin.end(input ?? Buffer.alloc(0));
  });
}

async function gitOrThrow(dir: string | null, args: string[], input?: Buffer): Promise<string> {
  const r = await runGit(dir, args, input);
  if (r.code !== 0) throw new GitRepoError(`git ${args[0] ?? ""} failed: ${r.stderr.trim()}`, "git_failed", r.stderr);
  return r.stdout.toString("utf8");
}

// A leading "-" would be parsed as an option by git; GitLab rejects such refs too.
function assertSafeRef(ref: string): void {
  if (ref === "" || ref.startsWith("-") || /[\0\n]/.test(ref)) throw new GitRepoError(`Invalid reference name: ${ref}`, "unknown_ref");
}

/** Commit fields in one fixed order; `%(...)` is for-each-ref syntax, `%x` is log syntax. */
const REF_FORMAT = ["%(objectname)", "%(refname)", "%(authorname)", "%(authoremail:trim)", "%(authordate:iso-strict)", "%(committername)", "%(committeremail:trim)", "%(committerdate:iso-strict)", "%(parent)", "%(contents)"].join("%00") + "%00";
const LOG_FORMAT = ["%H", "", "%an", "%ae", "%aI", "%cn", "%ce", "%cI", "%P", "%B"].join("%x00");
const FIELD_COUNT = 10;

/** Splits NUL-separated records of FIELD_COUNT fields (records may be joined by a newline). */
function parseRecords(raw: string): { ref: string; commit: CommitInfo }[] {
  const tokens = raw.split("\0");
  const records: { ref: string; commit: CommitInfo }[] = [];
  for (let i = 0; i + FIELD_COUNT <= tokens.length; i += FIELD_COUNT) {
    const f = tokens.slice(i, i + FIELD_COUNT).map((t, j) => (j === 0 ? t.replace(/^\n/, "") : t));
    const [id = "", ref = "", an = "", ae = "", ad = "", cn = "", ce = "", cd = "", parents = "", message = ""] = f;
    records.push({
      ref,
      commit: {
        id, short_id: id.slice(0, 8), title: message.split("\n")[0] ?? "", message,
        author_name: an, author_email: ae, authored_date: ad,
        committer_name: cn, committer_email: ce, committed_date: cd, created_at: cd,
        parent_ids: parents.split(" ").filter((p) => p !== ""),
      },
    });
  }
  return records;
}

// fast-import reads paths C-style quoted; quoting everything avoids special cases.
function quotePath(p: string): string {
  return `"${p.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, "\\n").replace(/\t/g, "\\t")}"`;
}

function sanitizeIdent(s: string): string {
  return s.replace(/[<>\n]/g, "").trim() || "unknown";
}

/** `git init --bare -b <default>`, then one commit holding `files` written with a single `git fast-import`. */
export async function createBareRepository(dir: string, opts: { defaultBranch: string; files: Record<string, string>; authorName: string; authorEmail: string; message?: string }): Promise<void> {
  assertSafeRef(opts.defaultBranch);
  await gitOrThrow(null, ["init", "--quiet", "--bare", "-b", opts.defaultBranch, dir]);
  const entries = Object.entries(opts.files);
  if (entries.length === 0) return;
  const who = `${sanitizeIdent(opts.authorName)} <${sanitizeIdent(opts.authorEmail)}> ${Math.floor(Date.now() / 1000)} +0000`;
  const message = Buffer.from(opts.message ?? "Initial commit\n", "utf8");
  const parts: Buffer[] = [Buffer.from(`commit refs/heads/${opts.defaultBranch}\nauthor ${who}\ncommitter ${who}\ndata ${message.length}\n`), message, Buffer.from("\n")];
  for (const [path, content] of entries) {
    const clean = path.replace(/^\/+/, "");
    if (clean === "" || clean.split("/").some((s) => s === "" || s === "." || s === "..")) throw new GitRepoError(`Invalid file path: ${path}`, "invalid_name");
    const data = Buffer.from(content, "utf8");
    parts.push(Buffer.from(`M 100644 inline ${quotePath(clean)}\ndata ${data.length}\n`), data, Buffer.from("\n"));
  }
  parts.push(Buffer.from("done\n"));
  await gitOrThrow(dir, ["fast-import", "--quiet", "--done"], Buffer.concat(parts));
}

async function readBranchRecords(dir: string, pattern: string): Promise<BranchInfo[]> {
  const out = await gitOrThrow(dir, ["for-each-ref", `--format=${REF_FORMAT}`, pattern]);
  return parseRecords(out)
    .map((r) => ({ name: r.ref.replace(/^refs\/heads\//, ""), commit: r.commit }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export async function listBranches(dir: string): Promise<BranchInfo[]> {
  return readBranchRecords(dir, "refs/heads/");
}

export async function getBranch(dir: string, name: string): Promise<BranchInfo | null> {
  if (name === "" || name.startsWith("-")) return null;
  // for-each-ref patterns also match sub-refs (and globs), so keep only the exact name.
  const found = await readBranchRecords(dir, `refs/heads/${name}`);
  return found.find((b) => b.name === name) ?? null;
}

/** Creates refs/heads/<name> at <ref>. Returns null if <ref> is unknown; throws GitRepoError if the branch exists or the name is invalid. */
export async function createBranch(dir: string, name: string, ref: string): Promise<BranchInfo | null> {
  if (name.startsWith("-")) throw new GitRepoError("Branch name is invalid", "invalid_name");
  if (ref === "" || ref.startsWith("-")) return null;
  const r = await runGit(dir, ["branch", "--no-track", name, ref]);
  if (r.code !== 0) {
    if (/already exists/.test(r.stderr)) throw new GitRepoError("Branch already exists", "branch_exists", r.stderr);
    if (/not a valid branch name/.test(r.stderr)) throw new GitRepoError("Branch name is invalid", "invalid_name", r.stderr);
    if (/not a valid object name|not a commit|invalid object name/i.test(r.stderr)) return null;
    throw new GitRepoError(`git branch failed: ${r.stderr.trim()}`, "git_failed", r.stderr);
  }
  return getBranch(dir, name);
}

/** All refs (branches and tags) with their target object, used to compute what a push changed. */
export async function readRefs(dir: string): Promise<Map<string, string>> {
  const out = await gitOrThrow(dir, ["for-each-ref", "--format=%(objectname) %(refname)"]);
  const refs = new Map<string, string>();
  for (const line of out.split("\n")) {
    const space = line.indexOf(" ");
    if (space > 0) refs.set(line.slice(space + 1), line.slice(0, space));
  }
  return refs;
}

/** GitLab writes "0" for the mode of a side that does not exist. */
function gitlabMode(mode: string): string {
  return /^0+$/.test(mode) ? "0" : mode;
}

/** Parses `git diff --patch-with-raw -z`: NUL-separated raw records, an empty field, then the patch text in the same file order. */
function parseDiff(raw: string): DiffEntry[] {
  const tokens = raw.split("\0");
  const metas: { aMode: string; bMode: string; status: string; oldPath: string; newPath: string }[] = [];
  let i = 0;
  while (i < tokens.length && (tokens[i] ?? "").startsWith(":")) {
    const [aMode = "", bMode = "", , , status = ""] = (tokens[i] ?? "").slice(1).split(" ");
    const twoPaths = status.startsWith("R") || status.startsWith("C");
    const oldPath = tokens[i + 1] ?? "";
    const newPath = twoPaths ? tokens[i + 2] ?? "" : oldPath;
    metas.push({ aMode, bMode, status, oldPath, newPath });
    i += twoPaths ? 3 : 2;
  }
  const patch = tokens.slice(i).join("\0").replace(/^\0+/, "");
  // Hunk lines start with " ", "+", "-" or "\", so "diff --git " at a line start always begins a new file.
  const chunks = patch.split(/^diff --git /m).slice(1);
  return metas.map((m, idx) => {
    const lines = (chunks[idx] ?? "").split("\n");
    const start = lines.findIndex((l) => l.startsWith("@@") || l.startsWith("Binary files "));
    const diff = start < 0 ? "" : lines.slice(start).join("\n");
    return {
      old_path: m.oldPath, new_path: m.newPath, a_mode: gitlabMode(m.aMode), b_mode: gitlabMode(m.bMode), diff,
      new_file: m.status === "A", renamed_file: m.status.startsWith("R"), deleted_file: m.status === "D",
    };
  });
}

/** Commits in merge-base(from,to)..to (newest first, like GitLab's MR commits) and the three-dot diff, like MR changes. */
export async function compareRefs(dir: string, from: string, to: string): Promise<{ commits: CommitInfo[]; diffs: DiffEntry[] }> {
  assertSafeRef(from);
  assertSafeRef(to);
  const [log, diff] = await Promise.all([
    runGit(dir, ["log", "-z", `--format=${LOG_FORMAT}`, "--end-of-options", `${from}..${to}`, "--"]),
    runGit(dir, ["diff", "--no-color", "--no-ext-diff", "-M", "--patch-with-raw", "-z", "--end-of-options", `${from}...${to}`, "--"]),
  ]);
  if (log.code !== 0 || diff.code !== 0) throw new GitRepoError(`Unknown revision: ${from}...${to}`, "unknown_ref", log.stderr + diff.stderr);
  return { commits: parseRecords(log.stdout.toString("utf8")).map((r) => r.commit), diffs: parseDiff(diff.stdout.toString("utf8")) };
}

/** File content at <ref>:<path>, or null if the ref, path or blob does not exist. */
export async function readFileAtRef(dir: string, ref: string, path: string): Promise<string | null> {
  if (ref === "" || ref.startsWith("-") || /[\0\n:]/.test(ref)) return null;
  const r = await runGit(dir, ["cat-file", "blob", `${ref}:${path.replace(/^\/+/, "")}`]);
  return r.code === 0 ? r.stdout.toString("utf8") : null;
}
