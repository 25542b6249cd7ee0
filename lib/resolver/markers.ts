/**
 * The hidden marker in every comment the app writes. It has two jobs:
 * - loop guard: a note carrying it is never a trigger, whoever's account posted it (when we post
 *   with the triggering user's own token, the author id alone cannot tell our notes from theirs);
 * - idempotency: the marker names what the comment is (`ack/<conversation id>`…), so a retried job
 *   looks for it before posting again instead of posting twice.
 * An HTML comment is invisible in GitLab's rendered markdown.
 */

const PREFIX = "<!-- openhands-agent";

/** `kind/part/part…`, restricted to characters that cannot end the HTML comment early. */
export function markerKey(kind: CommentKind, ...parts: (string | number)[]): string {
  const key = [kind, ...parts.map(String)].join("/");
  if (!/^[\w./:-]+$/.test(key)) throw new Error(`invalid marker key: ${key}`);
  return key;
}

export type CommentKind = "ack" | "final" | "reply" | "refusal" | "followup" | "notice" | "review";

export function marker(key: string): string {
  return `${PREFIX} ${key} -->`;
}

/** The body with its marker appended on a line of its own. */
export function withMarker(body: string, key: string): string {
  return `${body.trimEnd()}\n\n${marker(key)}`;
}

export function hasMarker(body: string, key: string): boolean {
  return body.includes(marker(key));
}

/** True for any comment the app wrote (the loop guard). */
export function isAgentComment(body: string): boolean {
  return body.includes(PREFIX);
}
