import { createHash } from "node:crypto";
import type { GitLabApi } from "@/lib/gitlab/client";
import { createNote } from "@/lib/gitlab/notes";
import { createDiffDiscussion, editMergeRequestNote, getLatestDiffVersion, isInvalidPosition, listMergeRequestDiscussions } from "@/lib/gitlab/review-api";
import { log } from "@/lib/log";
import type { Redactor } from "@/lib/redaction";
import { hasMarker, markerKey, withMarker } from "../markers";
import type { ParsedReview, ReviewFinding } from "./findings";
import { positionFor, type LineKind } from "./positions";

/**
 * Publishing a review on the merge request: one summary note and one inline thread per finding, on
 * the MR's latest diff version. Re-running updates instead of duplicating:
 * - the summary note carries the marker `review/summary/<iid>` and is edited in place;
 * - each finding's thread carries `review/finding/<hash of file, side, line and text>`, and a finding
 *   whose marker is already on the MR is not posted again.
 * Findings whose line is not in the diff (or whose position GitLab refuses) are listed in the summary.
 */

export interface ReviewReport {
  summaryNoteId: number;
  posted: { finding: ReviewFinding; kind: LineKind; discussionId: string }[];
  alreadyPosted: ReviewFinding[];
  outsideDiff: ReviewFinding[];
  headSha: string | null;
}

const summaryKey = (iid: number): string => markerKey("review", "summary", iid);

export function findingKey(f: Pick<ReviewFinding, "file" | "line" | "side" | "body">): string {
  const normalized = [f.file.replace(/^\.?\/+/, ""), f.side, String(f.line), f.body.replace(/\s+/g, " ").trim()].join("\u0000");
  return markerKey("review", "finding", createHash("sha256").update(normalized).digest("hex").slice(0, 24));
}

const MAX_SUMMARY = 8_000;
const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** A finding's line as people read it. */
function where(f: ReviewFinding): string {
  return `\`${f.file}\` line ${f.line}${f.side === "old" ? " (old version)" : ""}`;
}

export function findingBody(f: ReviewFinding): string {
  return clip(f.body, 5_000);
}

export function summaryBody(input: { parsed: ParsedReview; report: Omit<ReviewReport, "summaryNoteId">; conversationUrl: string; discarded: boolean }): string {
  const { parsed, report } = input;
  const parts: string[] = [`### 🔍 Review by OpenHands${report.headSha ? ` (at ${report.headSha.slice(0, 8)})` : ""}`];
  const text = parsed.kind === "review" ? parsed.summary || parsed.prose : parsed.prose;
  parts.push(clip(text.trim() || "(the agent wrote no summary)", MAX_SUMMARY));
  if (parsed.kind === "invalid") parts.push(`⚠️ I could not read the inline findings: ${parsed.reason}. No inline comments were posted.`);
  if (parsed.kind === "prose") parts.push("The agent gave no findings in the review format, so there are no inline comments.");
  const inline = report.posted.length + report.alreadyPosted.length;
  if (parsed.kind === "review") parts.push(inline === 0 && report.outsideDiff.length === 0 ? "No findings." : `Inline comments: ${inline}${report.alreadyPosted.length > 0 ? ` (${report.alreadyPosted.length} already posted by an earlier review)` : ""}.`);
  if (report.outsideDiff.length > 0) {
    parts.push(`Findings on lines outside this merge request's diff:\n\n${report.outsideDiff.map((f) => `- ${where(f)}: ${clip(f.body.replace(/\s+/g, " "), 1_000)}`).join("\n")}`);
  }
  if (input.discarded) parts.push("The agent changed files during the review; a review never pushes, so those changes were discarded.");
  parts.push(`Details: [the conversation](${input.conversationUrl}).`);
  return parts.join("\n\n");
}

export async function publishReview(
  api: GitLabApi,
  mr: { projectId: number; iid: number },
  parsed: ParsedReview,
  /** `authorId`: the GitLab account the app posts as; only its notes count as earlier reviews */
  opts: { conversationUrl: string; discarded?: boolean; authorId: number | null; redactor: Redactor },
): Promise<ReviewReport> {
  const [version, threads] = await Promise.all([getLatestDiffVersion(api, mr.projectId, mr.iid), listMergeRequestDiscussions(api, mr.projectId, mr.iid)]);
  // Anyone can paste our hidden markers into a comment: a participant's note that copies the summary
  // marker must not become "our summary" (we could not edit it), nor suppress a finding.
  const bodies = threads.flatMap((t) => t.notes.filter((n) => opts.authorId === null || n.authorId === opts.authorId).map((n) => ({ id: n.id, body: n.body })));
  const report: Omit<ReviewReport, "summaryNoteId"> = { posted: [], alreadyPosted: [], outsideDiff: [], headSha: version?.headSha ?? null };
  const seen = new Set<string>();
  for (const finding of parsed.kind === "review" ? parsed.findings : []) {
    const key = findingKey(finding);
    if (seen.has(key)) continue;
    seen.add(key);
    if (bodies.some((b) => hasMarker(b.body, key))) {
      report.alreadyPosted.push(finding);
      continue;
    }
    const placed = version ? positionFor(version, finding) : null;
    if (!placed) {
      report.outsideDiff.push(finding);
      continue;
    }
    try {
      const thread = await createDiffDiscussion(api, mr.projectId, mr.iid, opts.redactor.text(withMarker(findingBody(finding), key)), placed.position);
      report.posted.push({ finding, kind: placed.kind, discussionId: thread.id });
    } catch (err) {
      if (!isInvalidPosition(err)) throw err;
      // The branch moved between reading the version and posting, or GitLab disagrees with our
      // reading of the diff: the finding is not lost, it goes into the summary.
      log.warn("GitLab refused a review comment's position", { projectId: mr.projectId, iid: mr.iid, file: finding.file, line: finding.line, error: (err as Error).message });
      report.outsideDiff.push(finding);
    }
  }
  const key = summaryKey(mr.iid);
  // Findings and summary are agent output: they reach GitLab only through the run's redactor (issue 13).
  const body = opts.redactor.text(withMarker(summaryBody({ parsed, report, conversationUrl: opts.conversationUrl, discarded: opts.discarded ?? false }), key));
  const existing = bodies.find((b) => hasMarker(b.body, key));
  const summaryNoteId = existing
    ? (await editMergeRequestNote(api, mr.projectId, mr.iid, existing.id, body)).id
    : (await createNote(api, { type: "merge_request", projectId: mr.projectId, iid: mr.iid }, body)).id;
  return { ...report, summaryNoteId };
}
