import type { TimelineEvent } from "./event-types";

/** Values shorter than this are not redacted: replacing "1" or "yes" everywhere would garble output. */
const MIN_REDACTED_LENGTH = 6;

/**
 * Removes the run's credentials from what the agent prints before it is stored: tokens must never
 * land in the database or the browser, even when an agent echoes its environment. Each value is
 * replaced by a label naming where it came from, so a reader can still tell which one was used.
 */
export function createRedactor(secrets: Record<string, string>, oauthToken: string | undefined): <T extends TimelineEvent>(event: T) => T {
  const pairs: [string, string][] = [];
  if (oauthToken && oauthToken.length >= MIN_REDACTED_LENGTH) pairs.push([oauthToken, "[redacted: GitLab OAuth token]"]);
  for (const [name, value] of Object.entries(secrets)) {
    if (value.length >= MIN_REDACTED_LENGTH && value !== oauthToken) pairs.push([value, `[redacted: secret ${name}]`]);
  }
  // Longest first, so a secret containing another is replaced whole.
  pairs.sort((a, b) => b[0].length - a[0].length);
  const scrub = (text: string) => pairs.reduce((acc, [value, label]) => acc.split(value).join(label), text);
  return <T extends TimelineEvent>(event: T): T => {
    if (pairs.length === 0) return event;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(event)) out[k] = typeof v === "string" && k !== "kind" ? scrub(v) : v;
    return out as T;
  };
}

export function redactText(text: string, secrets: Record<string, string>, oauthToken: string | undefined): string {
  const event = createRedactor(secrets, oauthToken)({ kind: "error", message: text });
  return event.message;
}
