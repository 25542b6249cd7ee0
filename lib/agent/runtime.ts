import { createCommandRuntime } from "./command-runtime";
import { createScriptedRuntime } from "./scripted-runtime";
import type { AgentRuntime, RuntimeConfig } from "./types";

// The interface lives in types.ts so the runtimes and presets can share it without importing this
// module, which imports them; it is re-exported here for the callers that pick a runtime.
export type { AgentEvent } from "./events";
export type { AgentOutcome, AgentResult, AgentRuntime, AgentTask, EmitFn, RuntimeConfig } from "./types";

/** Picks the runtime for a deployment (AGENT_RUNTIME / AGENT_PRESET). Throws on an unusable config. */
export function createRuntime(config: RuntimeConfig): AgentRuntime {
  if (config.runtime === "scripted") return createScriptedRuntime();
  return createCommandRuntime(config);
}
