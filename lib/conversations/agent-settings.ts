import type { Env } from "@/lib/env";
import type { RuntimeConfig } from "@/lib/agent/types";
import { modelEndpoint, type ModelEndpointEnv } from "@/lib/model-endpoint";

/** How this deployment runs agents, from the validated environment (AGENT_*). */
export interface AgentSettings {
  runtimeConfig: RuntimeConfig;
  timeoutMs: number;
  concurrency: number;
  heartbeatMs: number;
  /** a starting/running conversation whose heartbeat is older than this is interrupted */
  staleAfterMs: number;
}

/** Missed heartbeats before a run counts as interrupted: one slow beat must not kill a live run. */
export const MISSED_HEARTBEATS = 4;

export function agentSettings(env: Pick<Env, "AGENT_RUNTIME" | "AGENT_PRESET" | "AGENT_COMMAND" | "AGENT_OUTPUT_FORMAT" | "AGENT_TIMEOUT" | "AGENT_CONCURRENCY" | "AGENT_HEARTBEAT_SECONDS"> & ModelEndpointEnv): AgentSettings {
  const runtimeConfig: RuntimeConfig =
    env.AGENT_RUNTIME === "scripted"
      ? { runtime: "scripted" }
      : { runtime: "command", preset: env.AGENT_PRESET, customCommand: env.AGENT_COMMAND, customFormat: env.AGENT_OUTPUT_FORMAT, model: modelEndpoint(env) };
  const heartbeatMs = env.AGENT_HEARTBEAT_SECONDS * 1000;
  return {
    runtimeConfig,
    timeoutMs: env.AGENT_TIMEOUT * 1000,
    concurrency: env.AGENT_CONCURRENCY,
    heartbeatMs,
    staleAfterMs: heartbeatMs * MISSED_HEARTBEATS,
  };
}
