import { randomInt } from "node:crypto";
import { chmod, chown, lchown, lstat, mkdir, mkdtemp, open, readdir, realpath, rm, stat, writeFile, type FileHandle } from "node:fs/promises";
import { dirname, isAbsolute, join, relative } from "node:path";
import { log } from "@/lib/log";
import { spawnGroup, type GroupProcess, type SpawnGroupOptions } from "../process-group";
import { processWorkDir } from "../work-dirs";
import { bwrapArgs, groupFile, hostsFile, passwdFile, PROXY_PORT } from "./bwrap-args";
import { limitInOutput, limitMessage, namespaceTasks, sandboxPidNamespace, type LimitHit, type SandboxLimits } from "./limits";
import { sealGitDir } from "./git-seal";
import { parseAllowPattern } from "./network-policy";
import { assertSandboxAvailable, SANDBOX_TOOLS } from "./probe";
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
  network: { allow: string[] };
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
    // AGENT_SANDBOX=off: development only; start-up and every page warn about it (see unconfined-warning.ts).
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
  // Before chown: the seal's own writes must end up owned by the worker too.
  const seal = await sealGitDir(checkout);
  const cleanup = async (): Promise<void> => {
    const undone = await seal?.restore().catch((err: unknown) => `[sandbox] could not check .git: ${err instanceof Error ? err.message : String(err)}`);
    if (undone) opts.onStderr(`${undone}\n`);
    await Promise.all(handles.map((h) => h.close().catch(() => undefined)));
    handles.length = 0;
    await proxy?.close();
    proxy = null;
    // Hand the checkout back to the worker (the app's own git refuses a repository owned by another uid).
    if (uid !== undefined) for (const dir of [checkout, ...writable]) await chownTree(dir, ownUid, ownGid).catch((err: unknown) => log.warn("sandbox: could not take back a run directory", { dir, err }));
    await rm(privateDir, { recursive: true, force: true });
  };

  try {
    const netDir = join(privateDir, "net");
    await mkdir(netDir, { mode: 0o700 });
    const socketPath = join(netDir, "proxy.sock");
    proxy = await startRunProxy({ socketPath, allow, onDenied: (message) => opts.onStderr(`${message}\n`) });
    await chmod(socketPath, 0o600);
    if (uid !== undefined) {
      await chown(netDir, uid, uid);
      await chown(socketPath, uid, uid);
      for (const dir of [checkout, ...writable]) await chownTree(dir, uid, uid);
      for (const dir of [checkout, ...writable, ...readOnly, netDir, privateDir]) await ensureTraversable(dir, ownUid);
    }
    const etc = { passwd: passwdFile(home), group: groupFile(), hosts: hostsFile() };
    for (const [name, text] of Object.entries(etc)) await writeFile(join(privateDir, name), text, { mode: 0o600 });

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
    };
    for (const dir of readOnly) fds.readOnly.push(await pass(dir));
    fds.netDir = await pass(netDir);
    fds.passwd = await pass(join(privateDir, "passwd"));
    fds.group = await pass(join(privateDir, "group"));
    fds.hosts = await pass(join(privateDir, "hosts"));

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
    const watch = (forward: (chunk: string) => void) => (chunk: string): void => {
      forward(chunk);
      const kind = limitInOutput(chunk);
      if (kind) hit(kind);
    };
    const bwrap = bwrapArgs({ checkout, cwd, home: homeIsBound ? null : home, writable, readOnly, fds, limits, argv: [file, ...args] });
    // setpriv: the sandbox is killed if the worker itself dies (SIGKILL, OOM), not only on cancel.
    proc = spawnGroup(SANDBOX_TOOLS.setpriv, ["--pdeathsig", "KILL", "--", SANDBOX_TOOLS.bwrap, ...bwrap], { cwd: "/", env, stdin: opts.stdin, onStdout: watch(opts.onStdout), onStderr: watch(opts.onStderr) }, { fds: passed, uid, gid: uid });
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
        }
      })().finally(() => { ticking = false; });
    }, MONITOR_MS);
    monitor.unref();

    const started = proc;
    const done = started.done.then(async (exit) => {
      clearInterval(monitor);
      await cleanup();
      return limit ? { ...exit, limit } : exit;
    });
    return { ...started, done };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

