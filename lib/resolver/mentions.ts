/**
 * `@openhands` detection in GitLab markdown.
 *
 * - Issue comments trigger only when they START with the mention (product.md §4).
 * - MR comments trigger when the mention appears anywhere as a whole word, except inside fenced
 *   code blocks, inline code and quoted lines (§5): quoting someone who called the agent, or
 *   pasting a log that contains the word, must not start a run.
 *
 * "Whole word": not preceded by a word character (so `me@openhands.dev` is not a mention), and not
 * followed by a word character or by `-`, `.` or `_` plus a word character (GitLab usernames may
 * contain those, so `@openhands-bot` is a different user). Matching is case-insensitive.
 */

export const MENTION = "@openhands";

const AFTER_OK = (rest: string): boolean => rest === "" || !/^(?:\w|[-._]\w)/.test(rest);

function isMentionAt(text: string, index: number): boolean {
  if (text.slice(index, index + MENTION.length).toLowerCase() !== MENTION) return false;
  const before = index === 0 ? "" : text[index - 1] ?? "";
  if (/\w/.test(before)) return false;
  return AFTER_OK(text.slice(index + MENTION.length, index + MENTION.length + 2));
}

/** True when the comment starts with the mention (leading blank space allowed). */
export function startsWithMention(text: string): boolean {
  const start = text.length - text.trimStart().length;
  return isMentionAt(text, start);
}

/** The comment without its leading mention: the request addressed to the agent. */
export function stripLeadingMention(text: string): string {
  const trimmed = text.trimStart();
  if (!startsWithMention(trimmed)) return text.trim();
  return trimmed.slice(MENTION.length).replace(/^[\s,:;!-]+/, "").trim();
}

const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
const BLOCKQUOTE_FENCE = /^\s{0,3}>>>\s*$/;
const QUOTE_LINE = /^\s{0,3}>/;

/**
 * The comment's text with code blocks, `>>>` block quotes, `>` quoted lines and inline code
 * removed, so what is left is what the author wrote themselves.
 */
export function visibleProse(text: string): string {
  const out: string[] = [];
  let fence: string | null = null;
  let inBlockQuote = false;
  for (const line of text.split(/\r?\n/)) {
    if (fence) {
      const m = FENCE.exec(line);
      if (m?.[1] && m[1][0] === fence[0] && m[1].length >= fence.length && line.trim() === m[1]) fence = null;
      continue;
    }
    if (inBlockQuote) {
      if (BLOCKQUOTE_FENCE.test(line)) inBlockQuote = false;
      continue;
    }
    const open = FENCE.exec(line);
    if (open?.[1]) {
      fence = open[1];
      continue;
    }
    if (BLOCKQUOTE_FENCE.test(line)) {
      inBlockQuote = true;
      continue;
    }
    if (QUOTE_LINE.test(line)) continue;
    // Indented code blocks (4 spaces or a tab) are code too.
    if (/^(?: {4}|\t)/.test(line) && line.trim() !== "") continue;
    out.push(stripInlineCode(line));
  }
  return out.join("\n");
}

/** Removes `code` spans (any backtick run length, matched with an equal-length closing run). */
function stripInlineCode(line: string): string {
  return line.replace(/(`+)(?:(?!\1)[\s\S])*?\1/g, " ");
}

/** True when the comment mentions the agent as a whole word outside code and quotes. */
export function mentionsAgent(text: string): boolean {
  const prose = visibleProse(text);
  const lower = prose.toLowerCase();
  for (let i = lower.indexOf(MENTION); i >= 0; i = lower.indexOf(MENTION, i + 1)) {
    if (isMentionAt(prose, i)) return true;
  }
  return false;
}
