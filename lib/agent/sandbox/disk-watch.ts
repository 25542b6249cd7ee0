import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * The checkout (and the run's other writable directories) live on the HOST's disk, the one DATA_DIR
 * and the database usually share. RLIMIT_FSIZE caps one file, not how many: without this watch a
 * prompt-injected agent could write 1 GB files until the host's disk is full (issue 12 attack review).
 * No per-directory quota is available to an unprivileged worker (project quotas need XFS/ext4 set up
 * by the operator, a loop-mounted image needs root and loop devices), so the worker measures what the
 * run ADDED to its directories and stops it past AGENT_DISK_MB. Measuring is a walk of the tree (coreutils' du), so it
 * runs at most every ~5× its own duration: a very fast writer can overshoot by what it writes in one
 * interval, a bounded amount instead of the whole disk.
 */

/** Every file counts one 4 KB block more than it takes, so millions of empty files (inodes) count too. */
const INODE_CHARGE = 4096;

/** The last number of `du -s … --total` (the total). */
function duTotal(out: string): number {
  const lines = out.trim().split("\n");
  return Number((lines[lines.length - 1] ?? "").split(/\s/)[0]) || 0;
}

/**
 * Bytes allocated under `dirs`, plus INODE_CHARGE per file. coreutils' `du` (a walk in C, fast even
 * for large repositories; symlinks not followed, hard links counted once, one file system) rather
 * than a walk in the worker's event loop. Files vanishing during the walk make du exit non-zero with
 * a usable total, so its output is read either way.
 */
export async function treeUsage(dirs: readonly string[]): Promise<number> {
  const du = (args: string[]): Promise<number> =>
    run("du", ["-s", "-x", "-P", "--total", ...args, "--", ...dirs], { env: { PATH: "/usr/bin:/bin", LC_ALL: "C", NODE_ENV: process.env.NODE_ENV }, maxBuffer: 1 << 20 }).then(
      (r) => duTotal(r.stdout),
      (err: { stdout?: string }) => duTotal(err.stdout ?? ""),
    );
  const [bytes, inodes] = await Promise.all([du(["-B1"]), du(["--inodes"])]);
  return bytes + inodes * INODE_CHARGE;
}

export interface DiskWatch {
  stop(): void;
}

/**
 * Calls `onExceeded` once when `dirs` hold more than `limitBytes` beyond `baseline`. Checks every
 * `minIntervalMs` at the earliest, or five times the last walk's duration when the tree is large.
 */
export function watchDiskGrowth(dirs: readonly string[], baseline: number, limitBytes: number, onExceeded: () => void, minIntervalMs = 1000): DiskWatch {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const tick = async (): Promise<void> => {
    const started = Date.now();
    const used = await treeUsage(dirs);
    if (stopped) return;
    if (used - baseline > limitBytes) {
      stopped = true;
      onExceeded();
      return;
    }
    timer = setTimeout(() => void tick(), Math.max(minIntervalMs, 5 * (Date.now() - started)));
    timer.unref();
  };
  timer = setTimeout(() => void tick(), minIntervalMs);
  timer.unref();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
