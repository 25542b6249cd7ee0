import { join, resolve } from "node:path";
import { z } from "zod";
import { agentSandboxSchema, EnvError } from "@/lib/env";

const sandboxEnvSchema = agentSandboxSchema.extend({ DATA_DIR: z.string().min(1).default(".data") });
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

type SandboxEnv = z.infer<typeof sandboxEnvSchema>;

export function sandboxSettingsFrom(env: SandboxEnv): SandboxSettings {
  return {
    enabled: env.AGENT_SANDBOX !== "off",
    limits: { memoryMb: env.AGENT_MEMORY_MB, maxProcesses: env.AGENT_MAX_PROCESSES, diskMb: env.AGENT_DISK_MB },
    networkAllow: (env.AGENT_NETWORK_ALLOW ?? "").split(/[\s,]+/).filter((e) => e !== ""),
    // Next to DATA_DIR, not inside it and not under the shared /tmp.
    workRoot: resolve(env.AGENT_WORK_ROOT ?? join(resolve(env.DATA_DIR), "..", ".agent-work")),
  };
}

/** Read from process.env on every call (cheap), with lib/env.ts's rules for these variables only. */
export function sandboxSettings(source: Record<string, string | undefined> = process.env): SandboxSettings {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([k, v]) => k in sandboxEnvSchema.shape && v !== undefined && v !== ""));
  const parsed = sandboxEnvSchema.safeParse(cleaned);
  if (!parsed.success) throw new EnvError(`Invalid configuration: ${parsed.error.issues.map((i) => `${String(i.path[0])} ${i.message}`).join("; ")}`);
  return sandboxSettingsFrom(parsed.data);
}
