import { randomInt } from "node:crypto";
import { chmod, chown, lchown, lstat, mkdir, mkdtemp, open, readdir, readFile, realpath, rm, stat, writeFile, type FileHandle } from "node:fs/promises";
import { dirname, isAbsolute, join, relative } from "node:path";
import { log } from "@/lib/log";
import { spawnGroup, type GroupProcess, type SpawnGroupOptions } from "../process-group";
import { processWorkDir } from "../work-dirs";
import { bwrapArgs, groupFile, hostsFile, passwdFile, PROXY_PORT } from "./bwrap-args";
import { limitInOutput, limitMessage, MAX_OUTPUT_MB, namespaceTasks, sandboxPidNamespace, type LimitHit, type SandboxLimits } from "./limits";
import { treeUsage, watchDiskGrowth } from "./disk-watch";
import { sealGitDir, type GitSeal } from "./git-seal";
import { seccompProgram } from "./seccomp";
import { parseAllowPattern } from "./network-policy";
import { assertSandboxAvailable, SANDBOX_TOOLS, SandboxUnavailableError } from "./probe";
import type { ModelGateway } from "./model-gateway";
import { startRunProxy } from "./proxy";
import { sandboxSettings } from "./settings";

/**
 * THE way agent code starts: `spawnSandboxed` is `spawnGroup` plus a policy. The agent runs under
 * bubblewrap with an empty root, the read-only system toolchain, its checkout read-write, a private
 * size-capped HOME and /tmp, its own PID/user/network namespaces and limits; its only network is
 * the run's allow-listing proxy (proxy.ts). When the worker runs as root, each run also gets its own
 * unprivileged uid outside the sandbox: the kernel does not enforce process limits on root, and a uid
 * of its own keeps one run's processes unreachable (signals, ptrace, /proc) for every other run.
 */
export interface SandboxSpawnOptions extends SpawnGroupOptions {
  /** The run's checkout, read-write. `cwd` must be inside it or inside one of `writable`. */
  checkout: string;
  /** Further run-private directories, read-write (e.g. the Codex home of the run). */
  writable?: string[];
  /** Read-only directories the agent needs beyond the system toolchain: its binary and package dirs. */
  readOnly?: string[];
  /**
   * host, host:port, *.domain, host:* patterns the run may reach through its proxy (see
   * network-policy.ts); the deployment's AGENT_NETWORK_ALLOW is always added.
   */
  network: {
    allow: string[];
    /** The model endpoint behind the proxy's virtual host, with the run's placeholder key (model-gateway.ts). */
    modelGateway?: ModelGateway;
  };
  /** Defaults: AGENT_MEMORY_MB, AGENT_MAX_PROCESSES, AGENT_DISK_MB. */
  limits?: Partial<SandboxLimits>;
}

export interface SandboxExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the run was stopped because it hit one of its limits. */
  limit?: LimitHit;
}

export interface SandboxedProcess extends GroupProcess {
  done: Promise<SandboxExit>;
}

const MONITOR_MS = 250;
/** Per-run uids when the worker is root: far above any real account's. */
const RUN_UID_BASE = 1_000_000_000;
const RUN_UID_SPAN = 1 << 24;

let warnedUnconfined = false;

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/** chown -R without following symlinks (a symlink the agent planted must not redirect it). */
async function chownTree(path: string, uid: number, gid: number): Promise<void> {
  const st = await lstat(path);
  await lchown(path, uid, gid);
  if (!st.isDirectory()) return;
  for (const name of await readdir(path)) await chownTree(join(path, name), uid, gid);
}

/**
 * bwrap opens its bind sources by path as the run's uid, so their ancestors must be searchable by it.
 * Our own 0700 directories get search (not read) permission for others: their names stay unlisted,
 * and only host processes could use it, as no sandbox mounts them.
 */
async function ensureTraversable(path: string, ownUid: number): Promise<void> {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const st = await stat(dir);
    if (st.uid === ownUid && (st.mode & 0o001) === 0) await chmod(dir, (st.mode & 0o7777) | 0o001);
    if (dir === "/") return;
  }
}

/**
 * The agent's own package directories are not ours to loosen (they may sit under /root): they must
 * already be readable by any uid, like a system-wide install.
 */
async function assertReadableByOthers(dir: string): Promise<void> {
  const st = await stat(dir);
  let ok = (st.mode & 0o005) === 0o005;
  for (let d = dirname(dir); ok; d = dirname(d)) {
    if (((await stat(d)).mode & 0o001) === 0) ok = false;
    if (d === "/") break;
  }
  if (!ok) {
    throw new SandboxUnavailableError(
      `The agent sandbox cannot bind ${dir}: the agent runs as its own uid and needs that directory readable, and its parents searchable, by others (chmod o+rx). Install the agent where any user can read it (e.g. npm install -g, under /usr/local).`,
    );
  }
}

const O_CLOEXEC = 0o2000000;

/**
 * The worker's own descriptors that a child would inherit: those it was started with without
 * close-on-exec (a supervisor's pipe, a log pipeline, a socket-activated listener). Node opens its
 * own fds close-on-exec, but it cannot close what it inherited, and neither bwrap nor a child's exec
 * does: without this an agent could write into (or hold open) whatever the worker's launcher left it
 * (issue 12 attack review: a pipe of the launching shell showed up as fd 251 inside the sandbox).
 */
async function inheritedFds(): Promise<number[]> {
  const out: number[] = [];
  for (const name of await readdir("/proc/self/fdinfo").catch(() => [] as string[])) {
    const fd = Number(name);
    if (!Number.isInteger(fd) || fd <= 2) continue;
    const info = await readFile(`/proc/self/fdinfo/${name}`, "utf8").catch(() => null);
    const flags = info === null ? null : /^flags:\s+([0-7]+)/m.exec(info)?.[1];
    if (flags && (parseInt(flags, 8) & O_CLOEXEC) === 0) out.push(fd);
  }
  return out;
}

/** The directories of the Node.js running us, when it is not already in the read-only /usr. */
function nodeRuntimeDirs(): string[] {
  const prefix = dirname(dirname(process.execPath));
  return isInside("/usr", prefix) ? [] : [prefix];
}

export async function spawnSandboxed(argv: string[], opts: SandboxSpawnOptions): Promise<SandboxedProcess> {
  const [file, ...args] = argv;
  if (!file) throw new Error("spawnSandboxed needs a command.");
  const settings = sandboxSettings();
  if (!settings.enabled) {
    // AGENT_SANDBOX=off: development only; start-up and every page warn about it (startup.ts, components/sandbox-off-banner.tsx).
    if (!warnedUnconfined) log.warn("AGENT_SANDBOX=off: agent code runs UNCONFINED, with the worker's files, network and processes in reach");
    warnedUnconfined = true;
    return spawnGroup(file, args, opts);
  }
  await assertSandboxAvailable();
  const limits: SandboxLimits = { ...settings.limits, ...opts.limits };
  const checkout = await realpath(opts.checkout);
  const writable = await Promise.all((opts.writable ?? []).map((d) => realpath(d)));
  const readOnly = [...new Set([...(await Promise.all((opts.readOnly ?? []).map((d) => realpath(d)))), ...nodeRuntimeDirs()])];
  const cwd = await realpath(opts.cwd);
  if (![checkout, ...writable].some((root) => isInside(root, cwd))) throw new Error(`The agent's working directory ${cwd} is outside its checkout.`);
  const home = opts.env.HOME && isAbsolute(opts.env.HOME) ? opts.env.HOME : "/home/agent";
  // A HOME inside the checkout (some tests do this) is the checkout's; otherwise a private tmpfs.
  const homeIsBound = [checkout, ...writable].some((root) => isInside(root, home));
  const allow = [...opts.network.allow, ...settings.networkAllow].map(parseAllowPattern);

  // The run's private directory (0700, root's): the proxy socket and the generated /etc files.
  // Under the worker's own work directory, so a worker killed mid-run leaves nothing for ever.
  const privateDir = await mkdtemp(join(processWorkDir(settings.workRoot), "sandbox-"));
  const asRoot = process.getuid?.() === 0;
  const uid = asRoot ? RUN_UID_BASE + randomInt(RUN_UID_SPAN) : undefined;
  const ownUid = process.getuid?.() ?? 0;
  const ownGid = process.getgid?.() ?? 0;
  const handles: FileHandle[] = [];
  let proxy: Awaited<ReturnType<typeof startRunProxy>> | null = null;
  let seal: GitSeal | null = null;
  const cleanup = async (): Promise<void> => {
    const undone = await seal?.restore().catch((err: unknown) => `[sandbox] could not check .git: ${err instanceof Error ? err.message : String(err)}`);
    if (undone) opts.onStderr(`${undone}\n`);
    await Promise.all(handles.map((h) => h.close().catch(() => undefined)));
    handles.length = 0;
    await proxy?.close();
    proxy = null;
    // Hand the checkout back to the worker (the app's own git refuses a repository owned by another uid).
    if (uid !== undefined) for (const dir of [checkout, ...writable]) await chownTree(dir, ownUid, ownGid).catch((err: unknown) => log.warn("sandbox: could not take back a run directory", { dir, code: (err as NodeJS.ErrnoException).code })); // the code only: the message quotes a path the agent named
    await rm(privateDir, { recursive: true, force: true });
  };

  try {
    seal = await sealGitDir(checkout);
    const netDir = join(privateDir, "net");
    await mkdir(netDir, { mode: 0o700 });
    const socketPath = join(netDir, "proxy.sock");
    proxy = await startRunProxy({ socketPath, allow, modelGateway: opts.network.modelGateway, onDenied: (message) => opts.onStderr(`${message}\n`) });
    await chmod(socketPath, 0o600);
    if (uid !== undefined) {
      await chown(netDir, uid, uid);
      await chown(socketPath, uid, uid);
      for (const dir of [checkout, ...writable]) await chownTree(dir, uid, uid);
      for (const dir of [checkout, ...writable, netDir, privateDir]) await ensureTraversable(dir, ownUid);
      for (const dir of readOnly) await assertReadableByOthers(dir);
    }
    // What the checkout already holds is not the run's: only what it adds counts against AGENT_DISK_MB.
    const diskBaseline = await treeUsage([checkout, ...writable]);
    const etc = { passwd: passwdFile(home), group: groupFile(), hosts: hostsFile() };
    for (const [name, text] of Object.entries(etc)) await writeFile(join(privateDir, name), text, { mode: 0o600 });
    const filter = seccompProgram();
    if (filter) await writeFile(join(privateDir, "seccomp.bpf"), filter, { mode: 0o600 });

    const openFd = async (path: string): Promise<number> => {
      const h = await open(path, "r");
      handles.push(h);
      return h.fd;
    };
    // fds are numbered 3, 4, … in the child in the order they are listed.
    const passed: number[] = [];
    const pass = async (path: string): Promise<number> => {
      passed.push(await openFd(path));
      return 2 + passed.length;
    };
    const fds = {
      checkout: await pass(checkout),
      writable: await Promise.all(writable.map(pass)),
      readOnly: [] as number[],
      netDir: 0,
      passwd: 0,
      group: 0,
      hosts: 0,
      seccomp: undefined as number | undefined,
    };
    for (const dir of readOnly) fds.readOnly.push(await pass(dir));
    fds.netDir = await pass(netDir);
    fds.passwd = await pass(join(privateDir, "passwd"));
    fds.group = await pass(join(privateDir, "group"));
    fds.hosts = await pass(join(privateDir, "hosts"));
    if (filter) fds.seccomp = await pass(join(privateDir, "seccomp.bpf"));

    const proxyUrl = `http://127.0.0.1:${PROXY_PORT}`;
    const env: Record<string, string> = {
      ...opts.env,
      HOME: home,
      // Both spellings: libcurl (git) reads only the lower-case http_proxy, others the upper-case.
      HTTP_PROXY: proxyUrl,
      HTTPS_PROXY: proxyUrl,
      http_proxy: proxyUrl,
      https_proxy: proxyUrl,
      ALL_PROXY: proxyUrl,
      all_proxy: proxyUrl,
      // Node ≥ 24 makes fetch/http honour the variables with this.
      NODE_USE_ENV_PROXY: "1",
    };
    delete env.NO_PROXY;
    delete env.no_proxy;

    let limit: LimitHit | undefined;
    let proc: GroupProcess | null = null;
    const hit = (kind: LimitHit["kind"]): void => {
      if (limit) return;
      limit = { kind, message: limitMessage(kind, limits) };
      proc?.killGroup();
    };
    // Output past MAX_OUTPUT_MB (stdout and stderr together) is dropped and ends the run.
    let printed = 0;
    const watch = (forward: (chunk: string) => void) => (chunk: string): void => {
      printed += chunk.length;
      if (printed > MAX_OUTPUT_MB * 1024 * 1024) {
        hit("output");
        return;
      }
      forward(chunk);
      const kind = limitInOutput(chunk);
      if (kind) hit(kind);
    };
    // Whatever the worker inherited without close-on-exec becomes /dev/null in the sandbox's tree.
    const devNull = await open("/dev/null", "r");
    handles.push(devNull);
    const scrub = { fds: await inheritedFds(), devNull: devNull.fd };
    const bwrap = bwrapArgs({ checkout, cwd, home: homeIsBound ? null : home, writable, readOnly, fds, limits, argv: [file, ...args] });
    // setpriv: the sandbox is killed if the worker itself dies (SIGKILL, OOM), not only on cancel.
    proc = spawnGroup(SANDBOX_TOOLS.setpriv, ["--pdeathsig", "KILL", "--", SANDBOX_TOOLS.bwrap, ...bwrap], { cwd: "/", env, stdin: opts.stdin, onStdout: watch(opts.onStdout), onStderr: watch(opts.onStderr) }, { fds: passed, scrub, uid, gid: uid });
    // The child has its copies; ours are no longer needed.
    await Promise.all(handles.map((h) => h.close().catch(() => undefined)));
    handles.length = 0;

    // A fork bomb may spin at the limit silently: count the tasks in the run's PID namespace.
    const bwrapPid = proc.pgid;
    let ns: string | null = null;
    let ticking = false;
    const monitor = setInterval(() => {
      if (ticking || limit) return;
      ticking = true;
      void (async () => {
        ns ??= bwrapPid > 0 ? await sandboxPidNamespace(bwrapPid) : null;
        if (ns) {
          const tasks = await namespaceTasks(ns);
          // At the limit, forks fail and the bomb's processes come and go: a sample rarely sees the
          // exact maximum, so 90% of it counts as hitting it.
          if (tasks.reduce((n, t) => n + t.threads, 0) >= Math.floor(limits.maxProcesses * 0.9)) hit("processes");
          // RLIMIT_AS is per process: 500 processes of 2 GB each would take the host's memory, so the
          // run's total resident memory is capped too (sampled; overshoot is what it allocates in one tick).
          else if (tasks.reduce((kb, t) => kb + t.anonKb, 0) > limits.memoryMb * 1024) hit("memory");
        }
      })().finally(() => { ticking = false; });
    }, MONITOR_MS);
    monitor.unref();
    // The checkout is on the host's disk: stop a run that fills it (disk-watch.ts).
    const disk = watchDiskGrowth([checkout, ...writable], diskBaseline, limits.diskMb * 1024 * 1024, () => hit("disk"));

    const started = proc;
    const done = started.done.then(async (exit) => {
      clearInterval(monitor);
      disk.stop();
      await cleanup();
      return limit ? { ...exit, limit } : exit;
    });
    return { ...started, done };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

