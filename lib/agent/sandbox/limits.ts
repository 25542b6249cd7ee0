import { readdir, readFile, readlink } from "node:fs/promises";

/**
 * Recognising that a run hit one of its limits, so it ends with a clear error instead of a cryptic
 * exit code. Two signals: the kernel's own error texts in the agent's output (ENOMEM, ENOSPC, EFBIG,
 * failed forks), and a count of the tasks in the run's PID namespace (a fork bomb spins at the limit
 * without necessarily printing anything we would recognise).
 */
export interface SandboxLimits {
  /** address space per process (RLIMIT_AS), MB */
  memoryMb: number;
  /** tasks (processes + threads) in the run at once (RLIMIT_NPROC in the run's user namespace) */
  maxProcesses: number;
  /** size of HOME and of /tmp (each), and the largest file (RLIMIT_FSIZE), MB */
  diskMb: number;
}

export type LimitKind = "memory" | "processes" | "disk";

export interface LimitHit {
  kind: LimitKind;
  message: string;
}

const PATTERNS: { kind: LimitKind; re: RegExp }[] = [
  { kind: "memory", re: /Cannot allocate memory|MemoryError|memory allocation of \d+ bytes failed|JavaScript heap out of memory|std::bad_alloc|xmalloc: cannot allocate|memory exhausted|Array buffer allocation failed|Fatal process out of memory/i },
  { kind: "disk", re: /No space left on device|File size limit exceeded|Disk quota exceeded/i },
  { kind: "processes", re: /Cannot fork|fork: retry|fork: Resource temporarily unavailable|can't fork|Resource temporarily unavailable.*(?:fork|thread|spawn)/i },
];

export function limitMessage(kind: LimitKind, limits: SandboxLimits): string {
  switch (kind) {
    case "memory":
      return `The agent hit the sandbox's memory limit (AGENT_MEMORY_MB=${limits.memoryMb} MB per process); the run was stopped.`;
    case "processes":
      return `The agent hit the sandbox's process limit (AGENT_MAX_PROCESSES=${limits.maxProcesses} processes and threads); the run was stopped.`;
    case "disk":
      return `The agent hit the sandbox's disk limit (AGENT_DISK_MB=${limits.diskMb} MB for HOME, for /tmp and per file); the run was stopped.`;
  }
}

/** The limit whose error text appears in `text`, if any. */
export function limitInOutput(text: string): LimitKind | null {
  for (const { kind, re } of PATTERNS) if (re.test(text)) return kind;
  return null;
}

/** The PID namespace of the sandbox (its init is the only child of the outer bwrap), or null. */
export async function sandboxPidNamespace(bwrapPid: number): Promise<string | null> {
  try {
    const children = (await readFile(`/proc/${bwrapPid}/task/${bwrapPid}/children`, "utf8")).trim().split(/\s+/).filter(Boolean);
    for (const child of children) {
      const ns = await readlink(`/proc/${child}/ns/pid`);
      const own = await readlink(`/proc/${bwrapPid}/ns/pid`);
      if (ns !== own) return ns;
    }
  } catch {
    // the sandbox is not up yet, or already gone
  }
  return null;
}

/** Host pids of the live processes in PID namespace `ns`, with their thread counts. */
export async function namespaceTasks(ns: string): Promise<{ pid: number; threads: number }[]> {
  const out: { pid: number; threads: number }[] = [];
  for (const name of await readdir("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if ((await readlink(`/proc/${name}/ns/pid`)) !== ns) continue;
      const status = await readFile(`/proc/${name}/status`, "utf8");
      if (/^State:\s+Z/m.test(status)) continue;
      out.push({ pid: Number(name), threads: Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? "1") });
    } catch {
      // exited while we looked
    }
  }
  return out;
}
