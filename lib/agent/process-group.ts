import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";

/**
 * Child processes in their own process group, so cancel and timeout can end the agent AND everything
 * it started (build tools, test runners, `sleep 30 &`), not just the direct child.
 */

export const KILL_GRACE_MS = 1000;

/** Node fires timers longer than 2^31-1 ms immediately; a "no limit" timeout must not become 1 ms. */
export function timerMs(ms: number): number {
  return Math.max(1, Math.min(Number.isFinite(ms) ? ms : 2_147_483_647, 2_147_483_647));
}

export interface GroupProcess {
  child: ChildProcess;
  /** Process group id (= the leader's pid, since the child is spawned detached). */
  pgid: number;
  /** Resolves once the leader exited AND its stdout/stderr closed. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM to the whole group, SIGKILL after the grace period if anything is left. */
  killGroup(): void;
}

export interface SpawnGroupOptions {
  cwd: string;
  env: Record<string, string>;
  /** Written to stdin, which is then closed; without it stdin is /dev/null. */
  stdin?: string;
  onStdout(chunk: string): void;
  onStderr(chunk: string): void;
}

function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is already gone
  }
}

/** True while any process (other than a zombie) of the group exists. Linux /proc based; used by tests too. */
export async function groupAlive(pgid: number): Promise<boolean> {
  return (await listGroup(pgid)).length > 0;
}

interface ProcStat { pid: number; ppid: number; pgid: number }

/** Every live process's parent and group, read from /proc (synchronously: kill must not wait). */
function procStats(): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (rest[0] !== "Z") stats.push({ pid: Number(name), ppid: Number(rest[1]), pgid: Number(rest[2]) });
    } catch {
      // exited while we looked
    }
  }
  return stats;
}

/**
 * The process groups of the leader's descendants. Some agents start each command in a process group
 * (or session) of its own (Claude Code, Gemini CLI, OpenCode do), which a signal to the agent's group
 * does not reach; once the agent is dead those commands are reparented and cannot be found any more,
 * so they are collected before the first signal.
 */
function descendantGroups(leader: number): number[] {
  const stats = procStats();
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const groups = new Set<number>();
  const queue = [leader];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    for (const child of children.get(pid) ?? []) {
      groups.add(child.pgid);
      queue.push(child.pid);
    }
  }
  groups.delete(leader);
  return [...groups].filter((g) => g > 1 && g !== process.pid);
}

/** Live (non-zombie) pids whose process group is `pgid`, read from /proc. */
export async function listGroup(pgid: number): Promise<number[]> {
  const pids: number[] = [];
  for (const name of await readdir("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = await readFile(`/proc/${name}/stat`, "utf8");
    } catch {
      continue; // exited while we looked
    }
    // Fields after the command name (which is in parentheses and may contain spaces).
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const state = rest[0];
    const group = Number(rest[2]);
    if (group === pgid && state !== "Z") pids.push(Number(name));
  }
  return pids;
}

/**
 * What only the sandbox module uses: descriptors passed to the child as fds 3, 4, … (bwrap's
 * `--bind-fd`), and the unprivileged uid/gid it starts as.
 */
export interface SpawnGroupExtras {
  fds?: number[];
  /** Child fds to replace with /dev/null (`devNull` is an open fd of it), after `fds`. */
  scrub?: { fds: number[]; devNull: number };
  uid?: number;
  gid?: number;
}

function stdioFor(opts: SpawnGroupOptions, extras: SpawnGroupExtras): ("ignore" | "pipe" | number)[] {
  const stdio: ("ignore" | "pipe" | number)[] = [opts.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe", ...(extras.fds ?? [])];
  // "ignore" above fd 2 leaves the fd as it is; a number dup2()s that fd over it in the child.
  for (const fd of extras.scrub?.fds ?? []) {
    if (fd < stdio.length) continue;
    while (stdio.length < fd) stdio.push("ignore");
    stdio.push(extras.scrub?.devNull ?? "ignore");
  }
  return stdio;
}

/**
 * Starts a process group. Agent code must never be started with this directly: it runs unconfined.
 * Only lib/agent/sandbox may call it (enforced by ESLint, see eslint.config.mjs).
 */
export function spawnGroup(file: string, args: string[], opts: SpawnGroupOptions, extras: SpawnGroupExtras = {}): GroupProcess {
  const child = spawn(file, args, {
    cwd: opts.cwd,
    // Only the given env; NODE_ENV is listed because Next's types require the key (undefined = unset).
    env: { ...opts.env, NODE_ENV: opts.env.NODE_ENV as "development" | "production" | "test" | undefined } as NodeJS.ProcessEnv,
    detached: true,
    stdio: stdioFor(opts, extras),
    ...(extras.uid === undefined ? {} : { uid: extras.uid }),
    ...(extras.gid === undefined ? {} : { gid: extras.gid }),
  });
  const pgid = child.pid ?? -1;
  let killTimer: NodeJS.Timeout | null = null;

  // Groups of descendants that left the agent's group, remembered for the SIGKILL after the grace.
  let strayGroups: number[] = [];
  const killGroup = (): void => {
    if (pgid <= 0 || killTimer) return;
    strayGroups = descendantGroups(pgid);
    signalGroup(pgid, "SIGTERM");
    for (const g of strayGroups) signalGroup(g, "SIGTERM");
    killTimer = setTimeout(() => {
      signalGroup(pgid, "SIGKILL");
      for (const g of strayGroups) signalGroup(g, "SIGKILL");
    }, KILL_GRACE_MS);
    killTimer.unref();
  };

  child.stdout?.setEncoding("utf8");
  child.stderr?.setEncoding("utf8");
  child.stdout?.on("data", opts.onStdout);
  child.stderr?.on("data", opts.onStderr);
  if (opts.stdin !== undefined && child.stdin) {
    child.stdin.on("error", () => undefined); // the agent may exit without reading its stdin
    child.stdin.end(opts.stdin);
  }

  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    child.on("error", (err) => {
      opts.onStderr(`${err.message}\n`);
      resolve({ code: 127, signal: null });
    });
    child.on("exit", (code, signal) => {
      exit = { code, signal };
      // Whatever the agent left running in its group is an orphan now; background children would
      // also keep our stdout pipe open and delay "close" for ever.
      killGroup();
    });
    child.on("close", (code, signal) => {
      if (killTimer) clearTimeout(killTimer);
      if (pgid > 0) signalGroup(pgid, "SIGKILL");
      for (const g of strayGroups) signalGroup(g, "SIGKILL");
      resolve(exit ?? { code, signal });
    });
  });

  return { child, pgid, done, killGroup };
}

/**
 * Splits a stream of text chunks into complete lines. Lines that arrive in one chunk are handed over
 * together, so a burst of plain output becomes one event rather than hundreds.
 */
export class LineSplitter {
  /** A "line" longer than this (e.g. binary output without newlines) is handed over in pieces. */
  static readonly MAX_PENDING = 1024 * 1024;
  private pending = "";
  constructor(private readonly onLines: (lines: string[]) => void) {}

  push(chunk: string): void {
    const text = this.pending + chunk;
    const lastNewline = text.lastIndexOf("\n");
    if (lastNewline < 0) {
      this.pending = text;
      if (text.length > LineSplitter.MAX_PENDING) this.flush();
      return;
    }
    this.pending = text.slice(lastNewline + 1);
    this.onLines(text.slice(0, lastNewline).split("\n").map((l) => l.replace(/\r$/, "")));
  }

  flush(): void {
    if (this.pending === "") return;
    const rest = this.pending.replace(/\r$/, "");
    this.pending = "";
    this.onLines([rest]);
  }
}
