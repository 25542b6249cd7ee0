/**
 * Delivery reasons and event names as people read them on Settings › Integrations (issue 17: they
 * showed "comment 300009" and "(bot marker)"). The stored reasons stay precise for logs and tests;
 * this only rewords them for the page.
 */
const eventWords: Record<string, string> = {
  "Note Hook": "Comment",
  "Confidential Note Hook": "Comment (confidential)",
  "Issue Hook": "Issue",
  "Confidential Issue Hook": "Issue (confidential)",
  "Merge Request Hook": "Merge request",
  "Push Hook": "Push",
};

export function deliveryEventWords(event: string): string {
  return eventWords[event] ?? event;
}

const exact: Record<string, string> = {
  "comment written by the app (bot marker)": "a comment the agent wrote itself (it never answers its own comments)",
  "system note": "an automatic GitLab note (a label, title or status change), not a comment someone wrote",
  "issue update without a label change": "the issue changed, but not its labels",
  "label already present": "the openhands label was already on the issue",
  "label change without the openhands label": "labels changed, but openhands was not added",
  "issue opened without the openhands label": "a new issue without the openhands label",
  "comment does not start with @openhands": "the comment does not start with @openhands",
  "comment does not mention @openhands": "the comment does not mention @openhands",
  "follow-up added to the running conversation": "added to the conversation already working on it",
  "the webhook installation was removed": "the webhook was removed from this app before the delivery was handled",
};

const patterns: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^duplicate: this comment \d+ on (issue #\d+|merge request !\d+) is already handled by conversation [0-9a-f-]{36}$/, (m) => `already handled: the same comment on ${m[1] ?? ""} arrived twice (GitLab resent it, or two webhooks cover the project)`],
  [/^duplicate: this (.+?) is already handled by conversation [0-9a-f-]{36}$/, (m) => `already handled: the same ${(m[1] ?? "").replace(/\s\d+\b/, "")} arrived twice`],
  [/^processing failed: (.*)$/s, (m) => `could not be handled: ${m[1] ?? ""}`],
];

export function deliveryReasonWords(reason: string): string {
  if (exact[reason]) return exact[reason];
  for (const [re, words] of patterns) {
    const m = re.exec(reason);
    if (m) return words(m);
  }
  return reason;
}
