import { z } from "zod";
import { REVIEW_FENCE } from "@/lib/agent/review-block";

/**
 * Reading an agent's review (format: lib/agent/review-block.ts). The agent is untrusted and models
 * make mistakes, so the block is parsed strictly: unknown keys, a wrong type, a line that is not a
 * positive integer or too many findings reject the whole block, and the app says so in the summary
 * note (with the agent's prose kept) instead of guessing what was meant.
 */

export const MAX_FINDINGS = 50;

const findingSchema = z
  .object({
    file: z.string().trim().min(1).max(1_000),
    line: z.number().int().positive().max(10_000_000),
    side: z.enum(["new", "old"]),
    body: z.string().trim().min(1).max(5_000),
  })
  .strict();

const reviewSchema = z
  .object({
    summary: z.string().max(10_000),
    findings: z.array(findingSchema).max(MAX_FINDINGS),
  })
  .strict();

export type ReviewFinding = z.infer<typeof findingSchema>;

export type ParsedReview =
  /** a valid block; `prose` is the message without it */
  | { kind: "review"; summary: string; findings: ReviewFinding[]; prose: string }
  /** no block at all: the message is the review, without inline findings */
  | { kind: "prose"; prose: string }
  /** a block that does not follow the format: why, and the message without it */
  | { kind: "invalid"; reason: string; prose: string };

const FENCE = new RegExp("(^|\\n)[ \\t]*(`{3,}|~{3,})[ \\t]*" + REVIEW_FENCE + "[ \\t]*\\n([\\s\\S]*?)\\n[ \\t]*\\2[ \\t]*(?=\\n|$)", "g");

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length > 0 ? i.path.join(".") : "(root)"}: ${i.message}`)
    .join("; ");
}

/** The LAST `openhands-review` block of the message decides; earlier ones (drafts, quotes) are prose. */
export function parseReview(message: string): ParsedReview {
  const blocks = [...message.matchAll(FENCE)];
  const last = blocks[blocks.length - 1];
  if (!last || last.index === undefined) return { kind: "prose", prose: message.trim() };
  const prose = (message.slice(0, last.index) + message.slice(last.index + last[0].length)).trim();
  let json: unknown;
  try {
    json = JSON.parse(last[3] ?? "");
  } catch (err) {
    return { kind: "invalid", reason: `the ${REVIEW_FENCE} block is not valid JSON (${(err as Error).message})`, prose };
  }
  const parsed = reviewSchema.safeParse(json);
  if (!parsed.success) return { kind: "invalid", reason: `the ${REVIEW_FENCE} block does not follow the format: ${describeIssues(parsed.error)}`, prose };
  return { kind: "review", summary: parsed.data.summary.trim(), findings: parsed.data.findings, prose };
}
