import { spawn } from "node:child_process";
import { access, constants } from "node:fs/promises";

/**
 * Can this host start the sandbox? A real start of the smallest sandbox (own user, PID and network
 * namespaces), as the uid runs will use, cached per process. Never a silent fallback: when this
 * fails, runs fail with this message.
 */
export class SandboxUnavailableError extends Error {
  override name = "SandboxUnavailableError";
}

const INSTALL_HINT = "Install them with `apt-get install bubblewrap socat util-linux` (Debian/Ubuntu) or `dnf install bubblewrap socat util-linux`; see the README's “Agent sandbox” section";

export const PROBE_UID = 65534;

let cached: Promise<void> | null = null;

async function executable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(() => true, () => false);
}

function run(file: string, args: string[], asRoot: boolean): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { stdio: ["ignore", "ignore", "pipe"], env: { PATH: "/usr/bin:/bin", NODE_ENV: process.env.NODE_ENV }, ...(asRoot ? { uid: PROBE_UID, gid: PROBE_UID } : {}) });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.on("error", (err) => resolve({ code: 127, stderr: err.message }));
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

export interface ProbeTools {
  bwrap: string;
  socat: string;
  prlimit: string;
  setpriv: string;
}

/** The tools the sandbox runs (Debian's paths; the sandbox exec's them by these paths too). */
export const SANDBOX_TOOLS: ProbeTools = { bwrap: "/usr/bin/bwrap", socat: "/usr/bin/socat", prlimit: "/usr/bin/prlimit", setpriv: "/usr/bin/setpriv" };

/** The uncached probe; `tools` is replaceable so tests can show the message for a missing tool. */
export async function probeSandbox(tools: ProbeTools = SANDBOX_TOOLS): Promise<void> {
  const missing: string[] = [];
  if (!(await executable(tools.bwrap))) missing.push(`bubblewrap (${tools.bwrap})`);
  if (!(await executable(tools.socat))) missing.push(`socat (${tools.socat})`);
  if (!(await executable(tools.prlimit))) missing.push(`prlimit (${tools.prlimit}, from util-linux)`);
  if (!(await executable(tools.setpriv))) missing.push(`setpriv (${tools.setpriv}, from util-linux)`);
  if (missing.length > 0) throw new SandboxUnavailableError(`The agent sandbox cannot start: ${missing.join(", ")} ${missing.length > 1 ? "are" : "is"} missing. ${INSTALL_HINT}.`);
  const asRoot = process.getuid?.() === 0;
  const r = await run(tools.bwrap, ["--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent", "--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64", "--proc", "/proc", "--dev", "/dev", "--", "/usr/bin/true"], asRoot);
  if (r.code !== 0) {
    throw new SandboxUnavailableError(
      `The agent sandbox cannot start: bubblewrap failed to create user, PID and network namespaces (${r.stderr.trim() || `exit ${r.code}`}). ` +
        "Enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1 on Debian kernels, user.max_user_namespaces > 0, " +
        "and on Ubuntu 24.04+ kernel.apparmor_restrict_unprivileged_userns=0 or the bwrap AppArmor profile); in Docker, run the app with " +
        "`--security-opt seccomp=unconfined --security-opt apparmor=unconfined --security-opt systempaths=unconfined` (see the README's “Agent sandbox” section).",
    );
  }
}

/** Resolves when the sandbox works here; throws SandboxUnavailableError (cached) otherwise. */
export function assertSandboxAvailable(): Promise<void> {
  cached ??= probeSandbox();
  return cached;
}

/** For /api/health: `ok`, or the reason it cannot start. */
export async function sandboxHealth(): Promise<{ ok: true } | { ok: false; error: string }> {
  try {
    await assertSandboxAvailable();
    return { ok: true };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

export function resetSandboxProbeForTests(): void {
  cached = null;
}
