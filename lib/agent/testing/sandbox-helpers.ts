import { copyFile, chmod, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * Test helpers for agents that run in the sandbox. The sandbox has its own PID namespace, so a pid an
 * agent prints means nothing outside; tests find its processes by a marker in their command lines.
 */
export const FAKE_AGENT = join(import.meta.dirname, "fake-agent.mjs");

/** Host pids of live processes whose command line contains `marker`. */
export async function processesWithMarker(marker: string): Promise<number[]> {
  const pids: number[] = [];
  for (const name of await readdir("/proc")) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmdline = await readFile(`/proc/${name}/cmdline`, "utf8");
      const status = await readFile(`/proc/${name}/status`, "utf8");
      if (cmdline.includes(marker) && !/^State:\s+Z/m.test(status)) pids.push(Number(name));
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

/**
 * A `codex` in `binDir` that is really the fake agent. The app's directory is not in the sandbox, so
 * the fake agent is copied next to it; the directory is made readable for the sandbox's own uid.
 */
export async function installFakeCodex(binDir: string): Promise<void> {
  await copyFile(FAKE_AGENT, join(binDir, "fake-agent.mjs"));
  await writeFile(join(binDir, "codex"), `#!/bin/sh\nexec "${process.execPath}" "${join(binDir, "fake-agent.mjs")}" "$@"\n`);
  await chmod(join(binDir, "codex"), 0o755);
  await chmod(join(binDir, "fake-agent.mjs"), 0o644);
  await chmod(binDir, 0o755);
}
