import { lstat, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * The app's own git (commit, diff, push) runs OUTSIDE the sandbox, in the checkout the agent just
 * had write access to. Git executes what a repository's metadata names: hooks (pre-push runs with
 * the push token in reach), core.fsmonitor, filter drivers and more in `.git/config`, and a
 * `.git/commondir` or a `.git` file can point git at a directory the agent prepared. So after every
 * sandboxed run the repository's metadata is put back as the app left it: the config restored, the
 * hooks and the redirections removed, and a `.git` that is no longer a plain directory deleted (the
 * app's git then fails with "not a git repository" instead of obeying it).
 */
const REDIRECTS = ["commondir", "config.worktree", "hooks", "info/attributes", "objects/info/alternates"];

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
      if (now && !now.isDirectory()) {
        await rm(gitDir, { recursive: true, force: true });
        return "[sandbox] the agent replaced .git with something else; it was removed";
      }
      if (!now) return null;
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
      return changed.length > 0 ? `[sandbox] undid the agent's changes to .git (${changed.join(", ")}): the app's git does not run what a repository names` : null;
    },
  };
}
