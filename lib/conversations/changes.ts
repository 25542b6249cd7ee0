import { writeFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addedSide, type Workspace } from "@/lib/agent/workspace";
import type { Redactor } from "@/lib/redaction";

/**
 * Unpushed work of app- and API-launched conversations (see db/schema/conversation-changes.ts for
 * why it is a stored diff). All git here is local to the workspace: no credentials involved. Storing
 * and reading the diff is queries/changes.ts.
 */

/** Larger diffs are refused rather than silently truncated. */
export const MAX_PATCH_BYTES = 10 * 1024 * 1024;

export class ChangesError extends Error {
  override name = "ChangesError";
}

/** Through the workspace: the app's git directory, never the agent's `.git` (issue 13). `home` is unused there. */
async function git(ws: Workspace, _home: string, args: string[]): Promise<string> {
  const r = await ws.git(args);
  if (r.code !== 0) throw new ChangesError(`git ${args[0]} failed: ${r.stderr.trim().slice(0, 500)}`);
  return r.stdout;
}

export async function headSha(ws: Workspace, home: string): Promise<string> {
  return (await git(ws, home, ["rev-parse", "HEAD"])).trim();
}

/** Paths that differ between two commits. */
export async function changedBetween(ws: Workspace, home: string, from: string, to: string): Promise<string[]> {
  if (from === to) return [];
  const out = await git(ws, home, ["diff", "--name-only", "-z", "--no-renames", "--no-ext-diff", from, to, "--"]);
  return out.split("\0").filter((p) => p !== "");
}

/** A binary-safe diff from `from` to `to` that `applyChanges` can replay on a fresh clone. */
export async function diffBetween(ws: Workspace, _home: string, from: string, to: string): Promise<string> {
  // Read no further than the limit: the agent decides the size (files up to AGENT_DISK_MB each), and
  // a patch read whole could outgrow the largest string Node can hold and bring the worker down.
  const r = await ws.git(["diff", "--binary", "--full-index", "--no-renames", "--no-ext-diff", "--no-textconv", from, to, "--"], { maxStdoutBytes: MAX_PATCH_BYTES });
  if (r.code !== 0 && !r.truncated) throw new ChangesError(`git diff failed: ${r.stderr.trim().slice(0, 500)}`);
  const patch = r.stdout;
  if (r.truncated || Buffer.byteLength(patch) > MAX_PATCH_BYTES) {
    throw new ChangesError(`The agent's changes are too large to keep (over ${MAX_PATCH_BYTES / 1024 / 1024} MB).`);
  }
  return patch;
}

/** Replays a stored diff in the workspace's working tree (the patch file lives outside the clone). */
export async function applyChanges(ws: Workspace, _home: string, patch: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "changes-"));
  try {
    const file = join(dir, "changes.patch");
    await writeFile(file, patch);
    const r = await ws.git(["apply", "--binary", "--whitespace=nowarn", file]);
    if (r.code !== 0) {
      throw new ChangesError(`The earlier changes of this conversation no longer apply to ${ws.branch} (it changed since): ${r.stderr.trim().slice(0, 500)}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Whether unpushed work carries a run secret (attack 13: the agent writes its token into a file).
 * Such work is not stored (the database keeps no secret in clear) and could not be pushed anyway
 * (workspace.ts refuses). Binary files are base85 in this patch, so a secret inside one is only
 * caught at push time, where the diff is searched as text.
 */
export function carriesSecret(patch: string, files: readonly string[], redactor: Redactor): boolean {
  return redactor.reveals(addedSide(patch)) || files.some((f) => redactor.reveals(f));
}

export const SECRET_NOT_KEPT = "The changes contain a secret of this run (a token or one of your secrets) in a file, a file name or a link, so they were not kept. Ask the agent to remove it.";
