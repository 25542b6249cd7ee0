/**
 * The review format (issue 18): how an agent hands the app its review of a merge request. The
 * agent's final message ends with ONE fenced block tagged `openhands-review` holding JSON:
 *
 *   ```openhands-review
 *   {"summary": "…", "findings": [{"file": "src/a.ts", "line": 12, "side": "new", "body": "…"}]}
 *   ```
 *
 * - `side: "new"`: a line of the merge request's new version (an added or an unchanged line),
 *   numbered as in the new file; `side: "old"`: a removed line, numbered as in the old file.
 * - The app parses the block strictly (lib/resolver/review/findings.ts) and places each finding on
 *   the diff itself; the agent never talks to GitLab.
 * This module has no dependencies, so the scripted test agent (and the model sandbox) can use it.
 */

export const REVIEW_FENCE = "openhands-review";

export interface ReviewFindingInput {
  file: string;
  line: number;
  side: "new" | "old";
  body: string;
}

export interface ReviewBlockInput {
  summary: string;
  findings: ReviewFindingInput[];
}

/** The fenced block as an agent should write it. */
export function renderReviewBlock(review: ReviewBlockInput): string {
  return `\`\`\`${REVIEW_FENCE}\n${JSON.stringify(review, null, 2)}\n\`\`\``;
}

/** What the agent is told about the format (part of the review prompt). */
/** The first words of the app's review request (review/prompt.ts); the scripted test agent recognises a review by them. */
export const REVIEW_REQUEST_LEAD = "You are asked to REVIEW this merge request, not to change it.";

export const REVIEW_FORMAT_INSTRUCTIONS = [
  "End your reply with exactly one fenced code block tagged `" + REVIEW_FENCE + "` that holds a JSON object:",
  "",
  "```" + REVIEW_FENCE,
  '{"summary": "one paragraph: your overall assessment", "findings": [{"file": "path/in/the/repository", "line": 12, "side": "new", "body": "what is wrong and how to fix it"}]}',
  "```",
  "",
  '- `side` is "new" for an added or unchanged line, numbered as in the new version of the file, and "old" for a removed line, numbered as in the old version.',
  "- `file` is the path as shown in the diff (the new path for a renamed file, the old path for a removed line of a deleted file).",
  "- Only comment on lines of the diff; anything else belongs in the summary.",
  '- No findings: `"findings": []`. No other keys are allowed.',
].join("\n");
