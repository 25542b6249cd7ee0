import { lstat, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";

/**
 * The app's own git (commit, diff, push) runs OUTSIDE the sandbox, in the checkout the agent just
 * had write access to. Git executes what a repository's metadata names: hooks (pre-push runs with
 * the push token in reach), core.fsmonitor, filter drivers and more in `.git/config`, and a
 * `.git/commondir` or a `.git` file can point git at a directory the agent prepared. So after every
 * sandboxed run the repository's metadata is put back as the app left it: the config restored, the
 * hooks and the redirections removed, and a `.git` that is no longer a plain directory deleted (the
 * app's git then fails with "not a git repository" instead of obeying it).
 */
const REDIRECTS = ["commondir", "config.worktree", "hooks", "info/attributes", "objects/info/alternates", "modules"];

/**
 * Repositories the agent made INSIDE the checkout. With a gitlink in the index (`git add sub`), the
 * app's `git diff` runs `git status` in `sub`, which obeys `sub/.git/config`: a core.fsmonitor or a
 * clean filter there ran as the worker, outside the sandbox (issue 12 attack review). Every `.git`
 * below the top level (directory, `gitdir:` file or symlink) is removed, so the app's git sees plain
 * files; `.git/modules` (where submodules keep theirs) is in REDIRECTS. Symlinks are not followed.
 */
async function removeNestedGitDirs(checkout: string): Promise<string[]> {
  const removed: string[] = [];
  const stack = [checkout];
  while (stack.length > 0) {
    const dir = stack.pop() as string;
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.name === ".git") {
        if (dir === checkout) continue; // the app's own repository
        await rm(path, { recursive: true, force: true });
        removed.push(relative(checkout, path));
      } else if (entry.isDirectory()) stack.push(path);
    }
  }
  return removed;
}

export interface GitSeal {
  /** Restores the metadata; returns what had to be undone (for the run's timeline), or null. */
  restore(): Promise<string | null>;
}

export async function sealGitDir(checkout: string): Promise<GitSeal | null> {
  const gitDir = join(checkout, ".git");
  const st = await lstat(gitDir).catch(() => null);
  if (!st?.isDirectory()) return null;
  const config = await readFile(join(gitDir, "config"), "utf8").catch(() => null);
  // The app's clone has no hooks or redirections; remove any before the run too.
  for (const name of REDIRECTS) await rm(join(gitDir, name), { recursive: true, force: true });
  return {
    async restore() {
      const now = await lstat(gitDir).catch(() => null);
      if (!now?.isDirectory()) {
        // Without a .git here, the app's git would search the parent directories and could find the
        // APP's own repository (the work root sits next to DATA_DIR, often inside a git checkout of the
        // app): its `add --all`, commit and diff would then work on the app. A `.git` file git cannot
        // read stops that search: the app's git fails with "invalid gitfile format" instead.
        await rm(gitDir, { recursive: true, force: true });
        await writeFile(gitDir, "the agent removed this repository's .git; the app's git stops here\n");
        await removeNestedGitDirs(checkout);
        return now ? "[sandbox] the agent replaced .git with something else; it was removed" : "[sandbox] the agent removed .git";
      }
      const changed: string[] = [];
      for (const name of REDIRECTS) {
        if (await lstat(join(gitDir, name)).then(() => true, () => false)) {
          changed.push(name);
          await rm(join(gitDir, name), { recursive: true, force: true });
        }
      }
      if (config !== null) {
        const current = await readFile(join(gitDir, "config"), "utf8").catch(() => null);
        if (current !== config) {
          changed.push("config");
          await rm(join(gitDir, "config"), { recursive: true, force: true });
          await writeFile(join(gitDir, "config"), config);
        }
      }
      const nested = await removeNestedGitDirs(checkout);
      if (nested.length > 0) changed.push(`nested repositories: ${nested.slice(0, 5).join(", ")}${nested.length > 5 ? ", …" : ""}`);
      return changed.length > 0 ? `[sandbox] undid the agent's changes to .git (${changed.join(", ")}): the app's git does not run what a repository names` : null;
    },
  };
}
