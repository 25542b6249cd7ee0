import type { RunSecret } from "./redactor";

/**
 * What a run must never let out: the owner's OAuth token, their secrets (a custom GITLAB_TOKEN
 * among them), and the deployment's credentials the worker holds (the model endpoint's key, the
 * bot token). Read from the given environment so tests can pass their own.
 */
export function runSecrets(input: { oauthToken?: string; secrets?: Record<string, string>; env?: Record<string, string | undefined> }): RunSecret[] {
  const out: RunSecret[] = [];
  if (input.oauthToken) out.push({ name: "GitLab OAuth token", value: input.oauthToken });
  for (const [name, value] of Object.entries(input.secrets ?? {})) out.push({ name: `secret ${name}`, value });
  const env = input.env ?? process.env;
  const modelKeyName = env.AGENT_MODEL_API_KEY_ENV;
  const modelKey = modelKeyName ? env[modelKeyName] : undefined;
  if (modelKey) out.push({ name: "model key", value: modelKey });
  for (const name of ["GITLAB_BOT_TOKEN", "GITLAB_CLIENT_SECRET"] as const) {
    const value = env[name];
    if (value) out.push({ name, value });
  }
  return out;
}
