import type { AgentRuntime, RuntimeConfig } from "@/lib/agent/types";
import type { Env } from "@/lib/env";

/**
 * Where every preset's model is: AGENT_MODEL_BASE_URL (+ AGENT_MODEL, and the key in the variable
 * named by AGENT_MODEL_API_KEY_ENV), or in demo mode without one, the built-in model sandbox (for the
 * four CLIs it speaks to). Without either, each CLI keeps its own defaults (its vendor's API, with a
 * key from the user's secrets).
 */
export type ModelEndpointEnv = Pick<
  Env,
  "AGENT_PRESET" | "AGENT_MODEL_BASE_URL" | "AGENT_MODEL" | "AGENT_MODEL_API_KEY_ENV" | "AGENT_MODEL_MAX_RETRIES" | "DEMO_MODEL_SANDBOX_PORT" | "demoMode"
>;

/** The model name the demo sandbox is configured with (it answers to any name). */
export const DEMO_MODEL = "model-sandbox";

/** The presets the model sandbox speaks for (Responses, Messages, Gemini and Chat Completions APIs). */
const SANDBOX_PRESETS: ReadonlySet<string> = new Set(["codex", "claude-code", "gemini", "opencode"]);

export function usesDemoModelSandbox(env: ModelEndpointEnv): boolean {
  return env.demoMode && SANDBOX_PRESETS.has(env.AGENT_PRESET ?? "") && !env.AGENT_MODEL_BASE_URL;
}

export function modelEndpoint(env: ModelEndpointEnv): RuntimeConfig["model"] {
  if (env.AGENT_MODEL_BASE_URL) {
    return { baseUrl: env.AGENT_MODEL_BASE_URL, model: env.AGENT_MODEL ?? "", apiKeyEnv: env.AGENT_MODEL_API_KEY_ENV, maxRetries: env.AGENT_MODEL_MAX_RETRIES };
  }
  if (usesDemoModelSandbox(env)) {
    // A scripted endpoint either works or is down: retrying it only delays the failure.
    return { baseUrl: `http://127.0.0.1:${env.DEMO_MODEL_SANDBOX_PORT}/v1`, model: env.AGENT_MODEL ?? DEMO_MODEL, maxRetries: env.AGENT_MODEL_MAX_RETRIES ?? 1 };
  }
  return undefined;
}

/** The runtime, made to start the demo model sandbox (once per process) before its first run. */
export function withModelEndpoint(runtime: AgentRuntime, env: ModelEndpointEnv): AgentRuntime {
  if (!usesDemoModelSandbox(env)) return runtime;
  return {
    ...runtime,
    async run(task, emit) {
      // Lazy (not to break a cycle): only this demo setup loads the demo's model sandbox.
      const { startDemoModelSandbox } = await import("@/lib/demo/model-sandbox");
      await startDemoModelSandbox();
      return runtime.run(task, emit);
    },
  };
}
