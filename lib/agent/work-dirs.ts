import { mkdirSync } from "node:fs";
import { readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Workspaces and agent homes live under one directory per worker process, named by its pid. A
 * worker killed mid-run (SIGKILL, OOM) cannot clean up after itself, so every worker, when it
 * starts, removes the directories of processes that no longer exist. A directory whose pid is alive
 * is never touched, even if that pid was reused by an unrelated process: leaking is safer than
 * deleting a live run's checkout.
 */
export const DEFAULT_WORK_ROOT = join(tmpdir(), "gitlab-agent-work");

export function processWorkDir(root = DEFAULT_WORK_ROOT, pid = process.pid): string {
  const dir = join(root, String(pid));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Remove the work directories of dead processes; returns how many were removed. */
export async function removeOrphanedWorkDirs(root = DEFAULT_WORK_ROOT): Promise<number> {
  const entries = await readdir(root).catch(() => [] as string[]);
  let removed = 0;
  for (const name of entries) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || isAlive(pid)) continue;
    await rm(join(root, name), { recursive: true, force: true });
    removed++;
  }
  return removed;
}
