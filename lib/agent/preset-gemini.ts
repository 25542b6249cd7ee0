import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { cliModelKey, NO_KEY, withoutApiVersion } from "./preset-model";
import type { PresetContext } from "./preset-types";

/**
 * Gemini CLI's settings for one run, written as the user settings of a per-run GEMINI_CLI_HOME: no usage
 * statistics or telemetry, no update check, the API-key auth, the model, and the retry cap.
 *
 * The key Gemini CLI holds is NOT hidden from the commands it runs. Its only mechanism,
 * security.environmentVariableRedaction, also drops every variable whose name contains TOKEN, SECRET,
 * KEY, AUTH, … even when allow-listed (checked with 0.61.0), so the user's secrets (GITLAB_TOKEN, …)
 * would no longer reach the commands; those are what the product promises. In the sandbox that key is
 * only the run's placeholder (the proxy adds the real one, lib/agent/sandbox/model-gateway.ts).
 * Source: https://geminicli.com/docs/get-started/configuration/
 */
export function geminiSettings(opts: { model?: string; maxAttempts?: number }): Record<string, unknown> {
  const general: Record<string, unknown> = { disableAutoUpdate: true, disableUpdateNag: true };
  if (opts.maxAttempts !== undefined) general.maxAttempts = opts.maxAttempts;
  return {
    general,
    privacy: { usageStatisticsEnabled: false },
    telemetry: { enabled: false },
    ...(opts.model ? { model: { name: opts.model } } : {}),
    security: { auth: { selectedType: "gemini-api-key" } },
  };
}

/**
 * Per-run setup of a Gemini CLI run (checked with Gemini CLI 0.61.0, issue 15): the settings above in
 * GEMINI_CLI_HOME inside `runDir` (its history and temp files land there too), the endpoint as GOOGLE_GEMINI_BASE_URL (origin; Gemini CLI adds /v1beta/models/…) and the
 * key as GEMINI_API_KEY (the run's placeholder in the sandbox, see cliModelKey).
 */
export async function geminiSetup(ctx: PresetContext): Promise<Record<string, string>> {
  const { runDir, config, env } = ctx;
  const tmp = join(runDir, "tmp");
  await mkdir(tmp, { recursive: true, mode: 0o700 });
  const model = config.model;
  const settings = geminiSettings({
    model: model?.model,
    maxAttempts: model?.maxRetries === undefined ? undefined : Math.max(1, Math.floor(model.maxRetries) + 1),
  });
  const home = join(runDir, "gemini-home");
  await mkdir(join(home, ".gemini"), { recursive: true, mode: 0o700 });
  await writeFile(join(home, ".gemini", "settings.json"), JSON.stringify(settings, null, 2), { mode: 0o600 });
  const vars: Record<string, string> = { GEMINI_CLI_HOME: home, TMPDIR: tmp };
  if (model) {
    vars.GOOGLE_GEMINI_BASE_URL = withoutApiVersion(model.baseUrl);
    const key = cliModelKey(ctx);
    vars.GEMINI_API_KEY = key ?? env.GEMINI_API_KEY ?? NO_KEY;
  }
  return vars;
}
