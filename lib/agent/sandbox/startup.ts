import { log } from "@/lib/log";
import { assertSandboxAvailable } from "./probe";
import { sandboxSettings } from "./settings";

let reported = false;

/**
 * Once per process, when it starts working: a loud warning with AGENT_SANDBOX=off, and an error
 * naming what is missing when the sandbox cannot start (runs will then fail with the same message;
 * they never fall back to running unconfined).
 */
export function reportSandboxAtStartup(): void {
  if (reported) return;
  reported = true;
  if (!sandboxSettings().enabled) {
    log.warn("AGENT_SANDBOX=off: agents run UNCONFINED, with this server's files, environment, network and processes in reach. Development only.");
    return;
  }
  void assertSandboxAvailable().then(
    () => log.info("agent sandbox ready"),
    (err: unknown) => log.error("agent sandbox unavailable: agent runs will fail until it is fixed", { error: err instanceof Error ? err.message : String(err) }),
  );
}
