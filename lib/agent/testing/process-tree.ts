import { readdir, readFile } from "node:fs/promises";

/**
 * Process-table helpers for tests that prove an agent left nothing behind. Codex runs each command
 * in its own sandbox session (codex-linux-sandbox → bwrap → the command), outside the agent's
 * process group, so checking the group is not enough: these walk the parent links instead.
 */

export interface ProcInfo {
  pid: number;
  ppid: number;
  /** Single-letter state from /proc/PID/stat; "Z" is a zombie (exited, not yet reaped). */
  state: string;
  cmdline: string;
}

async function readProc(pid: number): Promise<ProcInfo | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which is in parentheses and may contain spaces.
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "")).replace(/\0/g, " ").trim();
    return { pid, ppid: Number(rest[1]), state: rest[0] ?? "?", cmdline };
  } catch {
    return null; // exited while we looked
  }
}

export async function processTable(): Promise<ProcInfo[]> {
  const pids = (await readdir("/proc")).filter((n) => /^\d+$/.test(n)).map(Number);
  return (await Promise.all(pids.map(readProc))).filter((p): p is ProcInfo => p !== null);
}

/** Every live descendant of `root` (children, grandchildren, …), from one snapshot of the table. */
export async function descendants(root: number): Promise<ProcInfo[]> {
  const table = await processTable();
  const children = new Map<number, ProcInfo[]>();
  for (const p of table) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const out: ProcInfo[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift() ?? -1) ?? []) {
      out.push(child);
      queue.push(child.pid);
    }
  }
  return out;
}

/** The given pids that still run (present and not a zombie). */
export async function stillRunning(pids: number[]): Promise<ProcInfo[]> {
  const infos = await Promise.all(pids.map(readProc));
  return infos.filter((p): p is ProcInfo => p !== null && p.state !== "Z");
}

/** Polls `check` every 50 ms until it returns a value (not undefined) or `timeoutMs` passes. */
export async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
