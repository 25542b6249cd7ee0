import { lstat } from "node:fs/promises";
import { join } from "node:path";
import { LineSplitter, timerMs } from "./process-group";
import { spawnSandboxed } from "./sandbox";

/**
 * The repository's setup script (issue 18): `.openhands/setup.sh`, as OpenHands runs it, before the
 * agent (https://docs.openhands.dev/openhands/usage/customization/repository, "Setup Script").
 * It is repository content, so it is agent code: it runs through spawnSandboxed like the agent, in
 * the checkout, with the agent's environment and the same network allow-list, and nothing else of
 * this host. It has its own time limit (AGENT_SETUP_TIMEOUT); a non-zero exit, a timeout or a sandbox
 * limit fails the run with the script's last lines as the reason.
 */

export const SETUP_SCRIPT = ".openhands/setup.sh";
/** Lines of output quoted in the failure reason (the final comment shows them). */
const REASON_LINES = 10;
const MAX_OUTPUT = 64 * 1024;

export interface SetupOptions {
  workspaceDir: string;
  env: Record<string, string>;
  networkAllow: string[];
  timeoutMs: number;
  signal: AbortSignal;
}

export type SetupResult =
  | { ran: false }
  | { ran: true; ok: boolean; exitCode: number | null; output: string; truncated: boolean; durationMs: number; timedOut: boolean; cancelled: boolean; reason: string | null };

/** True when the checkout has a setup script (a symlink counts: it is resolved inside the sandbox only). */
export async function hasSetupScript(workspaceDir: string): Promise<boolean> {
  const st = await lstat(join(workspaceDir, SETUP_SCRIPT)).catch(() => null);
  return st !== null && (st.isFile() || st.isSymbolicLink());
}

function lastLines(text: string, n: number): string {
  return text.trimEnd().split("\n").slice(-n).join("\n");
}

export async function runSetupScript(opts: SetupOptions): Promise<SetupResult> {
  if (!(await hasSetupScript(opts.workspaceDir))) return { ran: false };
  const started = Date.now();
  let output = "";
  let truncated = false;
  const collect = new LineSplitter((lines) => {
    output += `${lines.join("\n")}\n`;
    if (output.length > MAX_OUTPUT) {
      output = output.slice(-MAX_OUTPUT);
      truncated = true;
    }
  });
  // bash, as OpenHands does; the path is relative to the checkout, so it is resolved in the sandbox.
  const proc = await spawnSandboxed(["/bin/bash", SETUP_SCRIPT], {
    cwd: opts.workspaceDir,
    checkout: opts.workspaceDir,
    network: { allow: opts.networkAllow },
    env: opts.env,
    onStdout: (c) => collect.push(c),
    onStderr: (c) => collect.push(c),
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    proc.killGroup();
  }, timerMs(opts.timeoutMs));
  const onAbort = (): void => proc.killGroup();
  opts.signal.addEventListener("abort", onAbort, { once: true });
  const exit = await proc.done.finally(() => {
    clearTimeout(timer);
    opts.signal.removeEventListener("abort", onAbort);
  });
  collect.flush();
  const cancelled = opts.signal.aborted;
  const ok = !timedOut && !cancelled && !exit.limit && exit.code === 0;
  const tail = lastLines(output, REASON_LINES);
  const why = timedOut
    ? `timed out after ${Math.round(opts.timeoutMs / 1000)} s (AGENT_SETUP_TIMEOUT)`
    : exit.limit
      ? exit.limit.message
      : `exited with ${exit.code === null ? `signal ${exit.signal ?? "?"}` : `code ${exit.code}`}`;
  return {
    ran: true,
    ok,
    exitCode: exit.code,
    output,
    truncated,
    durationMs: Date.now() - started,
    timedOut,
    cancelled,
    reason: ok || cancelled ? null : `the setup script ${SETUP_SCRIPT} ${why}${tail ? `. Its last lines:\n${tail}` : " without output"}`,
  };
}
