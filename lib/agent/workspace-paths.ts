import { lstat, realpath, stat } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";

export class UnsafePathError extends Error {
  constructor(readonly path: string, reason: string) {
    super(`Refusing path "${path}": ${reason}`);
    this.name = "UnsafePathError";
  }
}

function isInside(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
}

/** Deepest existing ancestor's real path (follows symlinks), or null if none could be resolved. */
async function realAncestor(path: string): Promise<string | null> {
  let current = path;
  for (;;) {
    try {
      return await realpath(current);
    } catch {
      const parent = dirname(current);
      if (parent === current) return null;
      current = parent;
    }
  }
}

/**
 * Every symlink on the way must resolve, and inside the workspace. realpath() cannot see a DANGLING
 * symlink (it fails, and realAncestor falls back to the parent, which is inside), yet the app's own
 * writeFile/mkdir follow it and CREATE its target: a sandboxed `run: ln -s /etc/cron.d/x f` followed by
 * `create file f with content …` made the worker (root) write any host file (issue 12 attack review).
 * The sandbox's processes are all gone between two instructions (its PID namespace dies with it), so
 * nothing can swap a component between this check and the write.
 */
async function refuseDanglingSymlinks(root: string, realRoot: string, path: string, rel: string): Promise<void> {
  let current = root;
  for (const part of rel.split(/[\\/]+/).filter((p) => p !== "" && p !== ".")) {
    current = join(current, part);
    const st = await lstat(current).catch(() => null);
    if (!st) return; // from here on nothing exists: mkdir/writeFile create plain directories and a file
    if (!st.isSymbolicLink()) continue;
    const target = await realpath(current).catch(() => null);
    if (target === null) throw new UnsafePathError(path, "it goes through a symlink that points nowhere (the app would create its target)");
    if (target !== realRoot && !isInside(realRoot, target)) throw new UnsafePathError(path, "leads outside the workspace");
  }
}

/**
 * Resolves a workspace-relative path for writing. Refuses absolute paths, `..`, the `.git` directory
 * and symlinks that lead out of the workspace, so an instruction cannot touch anything else.
 */
export async function resolveWorkspacePath(root: string, path: string): Promise<string> {
  if (path.trim() === "") throw new UnsafePathError(path, "empty path");
  if (isAbsolute(path) || /^[a-z]:[\\/]/i.test(path)) throw new UnsafePathError(path, "absolute paths are not allowed");
  const parts = path.split(/[\\/]+/);
  if (parts.includes("..")) throw new UnsafePathError(path, "'..' is not allowed");
  if (parts.filter((p) => p !== "" && p !== ".")[0] === ".git") throw new UnsafePathError(path, "the .git directory is off limits");
  const full = resolve(root, path);
  if (!isInside(root, full)) throw new UnsafePathError(path, "outside the workspace");
  const realRoot = await realpath(root);
  // An existing path (or its deepest existing parent) resolved through symlinks must stay inside too.
  const real = await realAncestor(full);
  if (real === null || (real !== realRoot && !isInside(realRoot, real))) throw new UnsafePathError(path, "leads outside the workspace");
  await refuseDanglingSymlinks(root, realRoot, path, relative(root, full));
  // A FIFO (or socket, device) the agent made: opening it would block one of the worker's few libuv
  // threads for ever, with no timeout to end it. Directories are left to the caller (delete takes them).
  const target = await stat(full).catch(() => null);
  if (target && !target.isFile() && !target.isDirectory()) throw new UnsafePathError(path, "not a regular file");
  return full;
}
