import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";

/**
 * The agent's whole environment. It is built from scratch, never copied from process.env, so the
 * app's own secrets (DATABASE_URL, ENCRYPTION_KEY, AUTH_SECRET, …) cannot reach the agent.
 *
 * GITLAB_TOKEN is the user's own GITLAB_TOKEN secret when defined (a reduced-scope token), else the
 * OAuth token: the high-permission token never reaches the agent when a custom one exists.
 */
export const RESERVED_AGENT_ENV = new Set(["PATH", "HOME"]);
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The app's PATH, plus the directory of the running node so npm-installed agents (`#!/usr/bin/env node`) start. */
function agentPath(): string {
  const path = process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin";
  const nodeDir = dirname(process.execPath);
  return path.split(delimiter).includes(nodeDir) ? path : `${path}${delimiter}${nodeDir}`;
}

export function buildAgentEnv(opts: { secrets: Record<string, string>; oauthToken: string; home: string; extra?: Record<string, string> }): Record<string, string> {
  const env: Record<string, string> = {
    PATH: agentPath(),
    HOME: opts.home,
    LANG: "C.UTF-8",
    TERM: "dumb",
    GIT_TERMINAL_PROMPT: "0",
  };
  // App-chosen additions (e.g. a model endpoint key) come before the user's secrets.
  for (const [name, value] of Object.entries(opts.extra ?? {})) {
    if (ENV_NAME.test(name) && !RESERVED_AGENT_ENV.has(name)) env[name] = value;
  }
  for (const [name, value] of Object.entries(opts.secrets)) {
    if (ENV_NAME.test(name) && !RESERVED_AGENT_ENV.has(name) && !value.includes("\0")) env[name] = value;
  }
  const custom = opts.secrets.GITLAB_TOKEN;
  env.GITLAB_TOKEN = custom !== undefined && custom !== "" ? custom : opts.oauthToken;
  return env;
}

/** A fresh HOME for one run (agents write caches and config there); remove it with `cleanup`. */
export async function createAgentHome(rootDir = tmpdir()): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(rootDir, "agent-home-"));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
