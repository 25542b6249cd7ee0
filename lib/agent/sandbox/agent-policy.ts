import { existsSync } from "node:fs";
import { realpath } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join, relative } from "node:path";
import type { Preset } from "../preset-types";
import type { AgentTask, RuntimeConfig } from "../types";
import { urlHostPort } from "./network-policy";

/** What the sandbox needs to know about an agent binary: the path to exec and what to bind for it. */
export interface AgentBinds {
  /** The binary's real path (a node_modules/.bin symlink resolved: the symlink itself is not bound). */
  exec: string;
  readOnly: string[];
}

const SYSTEM_ROOTS = ["/usr", "/bin", "/sbin", "/lib", "/lib64"];

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/** The nearest ancestor holding a package.json (an npm package's root), else the binary's directory. */
function packageRoot(file: string): string {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dir.endsWith("/node_modules")) break;
  }
  return dirname(file);
}

/**
 * Read-only binds for an agent: the package the binary belongs to (not the app's whole node_modules),
 * plus the npm packages the preset names (e.g. Codex's platform package with its native binary).
 * Binaries in the system toolchain need nothing: /usr is always there.
 */
export async function agentBinds(binary: string, packages: readonly string[], projectRoot = process.cwd()): Promise<AgentBinds> {
  const exec = await realpath(binary);
  const readOnly: string[] = [];
  if (!SYSTEM_ROOTS.some((root) => inside(root, exec))) readOnly.push(packageRoot(exec));
  const require = createRequire(join(projectRoot, "package.json"));
  for (const name of packages) {
    try {
      readOnly.push(dirname(await realpath(require.resolve(`${name}/package.json`))));
    } catch {
      // Not installed (e.g. another platform's package): the agent reports what it misses.
    }
  }
  return { exec, readOnly: [...new Set(readOnly)] };
}

/**
 * Where a run may connect: its GitLab instance (the task's), the model endpoint as the CLI was given
 * it (in the sandbox, the proxy's virtual model host, which the proxy serves itself and forwards to the
 * real AGENT_MODEL_BASE_URL: model-gateway.ts), or the preset's provider hosts when there is none;
 * AGENT_NETWORK_ALLOW is added by the sandbox itself.
 */
export function runNetworkAllow(task: Pick<AgentTask, "networkAllow">, config: RuntimeConfig, preset: Pick<Preset, "networkHosts">): string[] {
  const allow = [...(task.networkAllow ?? [])];
  if (config.model?.baseUrl) allow.push(urlHostPort(config.model.baseUrl));
  else allow.push(...(preset.networkHosts ?? []));
  return [...new Set(allow)];
}
