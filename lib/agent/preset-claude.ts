import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { cliModelKey, NO_KEY, withoutApiVersion } from "./preset-model";
import type { PresetContext } from "./preset-types";

/** Claude Code reads these for the Anthropic API; the commands it runs must not see them. */
export const CLAUDE_KEY_VARS = ["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN"] as const;

/**
 * Per-run setup of a Claude Code run (checked with Claude Code 2.1.197, issue 15), all inside `runDir`:
 * - CLAUDE_CONFIG_DIR: settings, sessions and shell snapshots stay with the run (deleted afterwards).
 * - The model endpoint: ANTHROPIC_BASE_URL (origin, Claude Code adds /v1/messages), ANTHROPIC_MODEL,
 *   ANTHROPIC_API_KEY: the run's placeholder key in the sandbox (its proxy adds the real one from
 *   AGENT_MODEL_API_KEY_ENV), the real key only with AGENT_SANDBOX=off (cliModelKey).
 * - CLAUDE_ENV_FILE: a script Claude Code sources before every Bash command; it unsets the key, so the
 *   commands the model chooses do not inherit it (Claude Code itself keeps it).
 * - No telemetry, error reports, auto-update or other non-essential traffic.
 * Source: https://docs.claude.com/en/docs/claude-code/settings ("Environment variables").
 */
export async function claudeSetup(ctx: PresetContext): Promise<Record<string, string>> {
  const { runDir, config, env } = ctx;
  const configDir = join(runDir, "claude-config");
  const tmp = join(runDir, "tmp");
  await mkdir(configDir, { recursive: true, mode: 0o700 });
  await mkdir(tmp, { recursive: true, mode: 0o700 });
  const envFile = join(runDir, "claude-command-env.sh");
  await writeFile(envFile, `unset ${CLAUDE_KEY_VARS.join(" ")}\n`, { mode: 0o600 });
  const vars: Record<string, string> = {
    CLAUDE_CONFIG_DIR: configDir,
    CLAUDE_ENV_FILE: envFile,
    TMPDIR: tmp,
    DISABLE_TELEMETRY: "1",
    DISABLE_ERROR_REPORTING: "1",
    DISABLE_AUTOUPDATER: "1",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
  };
  const model = config.model;
  if (model) {
    vars.ANTHROPIC_BASE_URL = withoutApiVersion(model.baseUrl);
    if (model.model) vars.ANTHROPIC_MODEL = model.model;
    if (model.maxRetries !== undefined) vars.CLAUDE_CODE_MAX_RETRIES = String(Math.max(0, Math.floor(model.maxRetries)));
    const key = cliModelKey(ctx);
    vars.ANTHROPIC_API_KEY = key ?? env.ANTHROPIC_API_KEY ?? NO_KEY;
  }
  return vars;
}
