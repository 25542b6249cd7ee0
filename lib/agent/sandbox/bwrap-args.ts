import { lstatSync, readlinkSync } from "node:fs";

/**
 * The bubblewrap command line of one run. bwrap starts from an EMPTY root: the run sees only what is
 * listed here, never the host's `/` (which is why we do not use a read-only bind of `/` plus a deny
 * list: anything added to the host later, such as DATA_DIR or another run's checkout, would be
 * visible by default).
 */

/** Port of the proxy relay on the sandbox's own loopback. */
export const PROXY_PORT = 3128;
/** Where the run's private directory with the proxy's unix socket appears inside the sandbox. */
export const SANDBOX_NET_DIR = "/run/agent-sandbox";
export const SANDBOX_PROXY_SOCKET = `${SANDBOX_NET_DIR}/proxy.sock`;
/** Uid/gid of the agent inside its user namespace (mapped to a per-run uid outside when we are root). */
export const SANDBOX_UID = 1000;

/**
 * The minimal /etc: the dynamic loader's cache, CA certificates (https through the proxy), Debian's
 * alternatives symlinks (many tools are reached through them), time zone and name-service basics.
 * Nothing with secrets (shadow, ssh keys, the host's git or npm configuration) is listed.
 */
export const ETC_ENTRIES = [
  "alternatives", "ca-certificates", "ca-certificates.conf", "ssl", "pki", "ld.so.cache", "ld.so.conf", "ld.so.conf.d",
  "localtime", "timezone", "nsswitch.conf", "protocols", "services", "mime.types", "os-release", "debian_version", "host.conf", "gai.conf",
];

/** The read-only system toolchain. `/bin`, `/lib*` and `/sbin` are symlinks into /usr on merged-/usr systems. */
const SYSTEM_DIRS = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];

export interface BwrapFds {
  checkout: number;
  writable: number[];
  readOnly: number[];
  netDir: number;
  passwd: number;
  group: number;
  hosts: number;
}

export interface BwrapPlan {
  checkout: string;
  cwd: string;
  /** Where the private HOME tmpfs goes; null when HOME lies in the checkout. */
  home: string | null;
  writable: string[];
  readOnly: string[];
  fds: BwrapFds;
  limits: { memoryMb: number; maxProcesses: number; diskMb: number };
  argv: string[];
}

function systemBinds(): string[] {
  const args: string[] = [];
  for (const dir of SYSTEM_DIRS) {
    let st;
    try {
      st = lstatSync(dir);
    } catch {
      continue;
    }
    if (st.isSymbolicLink()) args.push("--symlink", readlinkSync(dir), dir);
    else if (st.isDirectory()) args.push("--ro-bind", dir, dir);
  }
  for (const entry of ETC_ENTRIES) {
    const path = `/etc/${entry}`;
    try {
      lstatSync(path);
    } catch {
      continue;
    }
    args.push("--ro-bind", path, path);
  }
  return args;
}

/**
 * Starts the relay to the proxy, waits until it accepts connections (at most 3 s), then becomes the
 * agent. Its own output goes nowhere: the agent's stdout/stderr are the run's.
 */
const INIT_SCRIPT = [
  `socat TCP-LISTEN:${PROXY_PORT},bind=127.0.0.1,reuseaddr,fork UNIX-CONNECT:${SANDBOX_PROXY_SOCKET} </dev/null >/dev/null 2>&1 &`,
  `i=0`,
  `while ! socat -u OPEN:/dev/null TCP:127.0.0.1:${PROXY_PORT} 2>/dev/null; do`,
  `  i=$((i+1)); if [ "$i" -ge 300 ]; then echo "The agent sandbox's network relay did not start." >&2; exit 125; fi; sleep 0.01`,
  `done`,
  `exec "$@"`,
].join("\n");

export function bwrapArgs(plan: BwrapPlan): string[] {
  const mb = 1024 * 1024;
  const { limits, fds } = plan;
  const args = [
    // Own user, PID, network, IPC, UTS and cgroup namespaces; no nested user namespaces (kernel attack
    // surface the agent does not need); a new session so it cannot inject keystrokes into our terminal
    // (TIOCSTI); the whole sandbox dies with the worker's child.
    "--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent", "--new-session",
    "--uid", String(SANDBOX_UID), "--gid", String(SANDBOX_UID), "--hostname", "agent-sandbox",
    ...systemBinds(),
    "--ro-bind-data", String(fds.passwd), "/etc/passwd",
    "--ro-bind-data", String(fds.group), "/etc/group",
    "--ro-bind-data", String(fds.hosts), "/etc/hosts",
    // Its own /proc: only the run's processes are listed.
    "--proc", "/proc",
    "--dev", "/dev",
    // Private, size-capped HOME and /tmp; /var/tmp is the same private /tmp.
    "--size", String(limits.diskMb * mb), "--perms", "1777", "--tmpfs", "/tmp",
    "--symlink", "/tmp", "/var/tmp",
    ...(plan.home === null ? [] : ["--size", String(limits.diskMb * mb), "--perms", "0700", "--tmpfs", plan.home]),
    // The checkout and the run's other private directories, at their host paths (events and
    // summaries then name the same paths inside and out). Opened by the worker and passed as file
    // descriptors, so their host parents (0700, root's) stay closed to the sandbox's uid.
    "--bind-fd", String(fds.checkout), plan.checkout,
  ];
  plan.writable.forEach((dir, i) => args.push("--bind-fd", String(fds.writable[i]), dir));
  plan.readOnly.forEach((dir, i) => args.push("--ro-bind-fd", String(fds.readOnly[i]), dir));
  args.push("--ro-bind-fd", String(fds.netDir), SANDBOX_NET_DIR);
  args.push("--chdir", plan.cwd, "--");
  // Limits on the agent itself: RLIMIT_NPROC counts the tasks of the sandbox's uid in ITS user
  // namespace (so one run's fork bomb does not starve another run or the worker); RLIMIT_AS caps
  // each process's memory; RLIMIT_FSIZE caps a file written in the checkout; no core dumps.
  args.push(
    "/usr/bin/prlimit",
    `--nproc=${limits.maxProcesses}`,
    `--as=${limits.memoryMb * mb}`,
    `--fsize=${limits.diskMb * mb}`,
    "--core=0",
    "--",
    "/bin/sh", "-c", INIT_SCRIPT, "agent-sandbox-init",
    ...plan.argv,
  );
  return args;
}

export function passwdFile(home: string): string {
  return `root:x:0:0:root:/nonexistent:/usr/sbin/nologin\nagent:x:${SANDBOX_UID}:${SANDBOX_UID}:agent:${home}:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n`;
}

export function groupFile(): string {
  return `root:x:0:\nagent:x:${SANDBOX_UID}:\nnogroup:x:65534:\n`;
}

export function hostsFile(): string {
  return "127.0.0.1\tlocalhost agent-sandbox\n::1\tlocalhost ip6-localhost ip6-loopback\n";
}
