import { realpath } from "node:fs/promises";
import { dirname, isAbsolute, relative, resolve } from "node:path";

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
  return full;
}
