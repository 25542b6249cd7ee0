import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { cliModelKey } from "./preset-model";
import type { PresetContext } from "./preset-types";

/** The provider id OpenCode's per-run config defines for AGENT_MODEL_BASE_URL. */
const PROVIDER = "agent";

/**
 * OpenCode's config for one run (opencode.json, https://opencode.ai/docs/config/): the endpoint as a
 * custom provider through OpenCode's bundled OpenAI-compatible adapter (Chat Completions), its key (the
 * run's placeholder in the sandbox, see cliModelKey) written into this file (0600, in the run's private dir) rather than into the environment, so the
 * commands OpenCode runs do not inherit it; edits and shell allowed without prompts (headless; web fetches denied, as for Claude Code), no sharing, no
 * auto-update.
 */
export function opencodeConfig(model: { baseUrl: string; model: string; apiKey?: string } | undefined): Record<string, unknown> {
  const config: Record<string, unknown> = {
    $schema: "https://opencode.ai/config.json",
    autoupdate: false,
    share: "disabled",
    permission: { edit: "allow", bash: "allow", webfetch: "deny" },
  };
  if (model) {
    config.model = `${PROVIDER}/${model.model}`;
    config.provider = {
      [PROVIDER]: {
        npm: "@ai-sdk/openai-compatible",
        name: "Model endpoint (AGENT_MODEL_BASE_URL)",
        options: { baseURL: model.baseUrl, ...(model.apiKey ? { apiKey: model.apiKey } : {}) },
        models: { [model.model]: { name: model.model, tool_call: true } },
      },
    };
  }
  return config;
}

/**
 * Per-run setup of an OpenCode run (checked with OpenCode 1.18.33, issue 15), all inside `runDir`:
 * OPENCODE_CONFIG, and XDG_* directories so its database, logs, snapshots and caches stay with the run.
 * - OPENCODE_DISABLE_PROJECT_CONFIG: a repository's own opencode.json cannot change the provider or
 *   the permissions (the repository is untrusted text).
 * - No auto-update, models.dev fetch, LSP downloads, sharing, or external plugins; npm_config_offline
 *   because OpenCode otherwise runs `npm install @opencode-ai/plugin` in its config directories.
 */
export async function opencodeSetup(ctx: PresetContext): Promise<Record<string, string>> {
  const { runDir, config } = ctx;
  const dirs = { XDG_CONFIG_HOME: "config", XDG_DATA_HOME: "data", XDG_CACHE_HOME: "cache", XDG_STATE_HOME: "state", TMPDIR: "tmp" };
  const vars: Record<string, string> = {};
  for (const [name, dir] of Object.entries(dirs)) {
    vars[name] = join(runDir, "opencode", dir);
    await mkdir(vars[name], { recursive: true, mode: 0o700 });
  }
  const model = config.model;
  const file = join(runDir, "opencode", "opencode.json");
  const settings = opencodeConfig(model ? { baseUrl: model.baseUrl, model: model.model, apiKey: cliModelKey(ctx) } : undefined);
  await writeFile(file, JSON.stringify(settings, null, 2), { mode: 0o600 });
  return {
    ...vars,
    OPENCODE_CONFIG: file,
    OPENCODE_DISABLE_PROJECT_CONFIG: "1",
    OPENCODE_DISABLE_AUTOUPDATE: "1",
    OPENCODE_DISABLE_MODELS_FETCH: "1",
    OPENCODE_DISABLE_LSP_DOWNLOAD: "1",
    OPENCODE_DISABLE_SHARE: "1",
    OPENCODE_DISABLE_CLAUDE_CODE: "1",
    OPENCODE_DISABLE_DEFAULT_PLUGINS: "1",
    OPENCODE_PURE: "1",
    npm_config_offline: "true",
  };
}
