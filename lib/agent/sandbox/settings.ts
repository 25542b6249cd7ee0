import { join, resolve } from "node:path";
import { getEnv, type Env } from "@/lib/env";
import type { SandboxLimits } from "./limits";

/** The sandbox's deployment settings (AGENT_SANDBOX, AGENT_MEMORY_MB, …), from the validated env. */
export interface SandboxSettings {
  enabled: boolean;
  limits: SandboxLimits;
  /** AGENT_NETWORK_ALLOW entries */
  networkAllow: string[];
  /** where per-run directories live; never bound into a sandbox */
  workRoot: string;
}

type SandboxEnv = Pick<Env, "AGENT_SANDBOX" | "AGENT_MEMORY_MB" | "AGENT_MAX_PROCESSES" | "AGENT_DISK_MB" | "AGENT_NETWORK_ALLOW" | "AGENT_WORK_ROOT" | "DATA_DIR">;

export function sandboxSettingsFrom(env: SandboxEnv): SandboxSettings {
  return {
    enabled: env.AGENT_SANDBOX !== "off",
    limits: { memoryMb: env.AGENT_MEMORY_MB, maxProcesses: env.AGENT_MAX_PROCESSES, diskMb: env.AGENT_DISK_MB },
    networkAllow: (env.AGENT_NETWORK_ALLOW ?? "").split(/[\s,]+/).filter((e) => e !== ""),
    // Next to DATA_DIR, not inside it and not under the shared /tmp.
    workRoot: resolve(env.AGENT_WORK_ROOT ?? join(resolve(env.DATA_DIR), "..", ".agent-work")),
  };
}

export function sandboxSettings(): SandboxSettings {
  return sandboxSettingsFrom(getEnv());
}
