import { mkdirSync } from "node:fs";
import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { sandboxSettings } from "./sandbox/settings";

/**
 * Workspaces, agent homes and the sandbox's per-run directories live under one 0700 directory per
 * worker process, named by its pid, inside the work root (AGENT_WORK_ROOT; by default next to
 * DATA_DIR, never in the shared /tmp, where other users and other programs could reach them). A
 * worker killed mid-run (SIGKILL, OOM) cannot clean up after itself, so every worker, when it
 * starts, removes the directories of processes that no longer exist. A directory whose pid is alive
 * is never touched, even if that pid was reused by an unrelated process: leaking is safer than
 * deleting a live run's checkout.
 */
export function defaultWorkRoot(): string {
  return sandboxSettings().workRoot;
}

export function processWorkDir(root = defaultWorkRoot(), pid = process.pid): string {
  // 0711: the root lists nothing to others; a run's own uid may pass through to its checkout.
  mkdirSync(root, { recursive: true, mode: 0o711 });
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
export async function removeOrphanedWorkDirs(root = defaultWorkRoot()): Promise<number> {
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
