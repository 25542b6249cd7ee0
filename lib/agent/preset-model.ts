import type { RuntimeConfig } from "./types";

/**
 * What every preset's per-run setup needs from the one model setting (AGENT_MODEL_BASE_URL,
 * AGENT_MODEL, AGENT_MODEL_API_KEY_ENV): the endpoint's key and the base URL in the form each CLI
 * expects.
 */
export type ModelEndpoint = NonNullable<RuntimeConfig["model"]>;

/**
 * The endpoint's key: from the app's environment (the variable named by `apiKeyEnv`), or, when the app
 * does not define it, a user secret of that name. It is given to the agent CLI alone.
 */
export function endpointKey(model: ModelEndpoint | undefined, agentEnv: Record<string, string>): string | undefined {
  const name = model?.apiKeyEnv;
  if (!name) return undefined;
  return process.env[name] ?? agentEnv[name];
}

/**
 * The key a CLI is given. Sandboxed runs get the run's placeholder (`modelKey`, set by the runtime: the
 * sandbox's proxy swaps it for the real key, lib/agent/sandbox/model-gateway.ts); without the sandbox
 * (AGENT_SANDBOX=off, development only) there is no proxy, and the CLI holds the real key itself.
 */
export function cliModelKey(ctx: { modelKey?: string; config: { model?: ModelEndpoint }; env: Record<string, string> }): string | undefined {
  return ctx.modelKey ?? endpointKey(ctx.config.model, ctx.env);
}

/**
 * AGENT_MODEL_BASE_URL is written the OpenAI way (`https://host/v1`). Claude Code and Gemini CLI add the
 * API version to the path themselves (`/v1/messages`, `/v1beta/models/…`), so they get the origin and
 * path without a trailing version segment; one setting then serves all four CLIs.
 */
export function withoutApiVersion(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, "").replace(/\/v1(beta|alpha)?$/, "");
}


/**
 * The key given to a CLI for an endpoint that takes none (AGENT_MODEL_API_KEY_ENV unset, e.g. a local
 * gateway or the demo's model sandbox): Claude Code and Gemini CLI refuse to start without a key.
 */
export const NO_KEY = "no-key-configured";
