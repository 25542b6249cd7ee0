import type { FileDiff } from "@/lib/gitlab/merge-requests";
import type { ReviewFinding } from "./findings";

/**
 * Where a finding goes on the merge request's diff, computed from the diff itself (never trusted
 * from the agent). GitLab's rules for a thread in the MR diff
 * (https://docs.gitlab.com/api/discussions/#create-a-new-thread-in-the-merge-request-diff):
 * - `position_type: text`, with `base_sha`, `start_sha` and `head_sha` of the LATEST diff version
 *   (https://docs.gitlab.com/api/merge_requests/#get-merge-request-diff-versions), and both
 *   `old_path` and `new_path` (the paths before and after the change: they differ for a rename);
 * - an added line: `new_line` only; a removed line: `old_line` only; an unchanged line: both, which
 *   may differ when earlier hunks moved it.
 * A line that is not in any hunk cannot carry a thread (GitLab answers 400 "line_code can't be
 * blank"), so such a finding goes into the summary instead.
 */

export interface DiffVersion {
  baseSha: string;
  startSha: string;
  headSha: string;
  diffs: FileDiff[];
}

export interface TextPosition {
  position_type: "text";
  base_sha: string;
  start_sha: string;
  head_sha: string;
  old_path: string;
  new_path: string;
  new_line?: number;
  old_line?: number;
}

export type LineKind = "added" | "removed" | "context";

export interface DiffLine {
  kind: LineKind;
  oldLine: number | null;
  newLine: number | null;
}

/** The lines of a unified diff's hunks with their numbers on each side. */
export function diffLines(diff: string): DiffLine[] {
  const out: DiffLine[] = [];
  let oldNo = 0;
  let newNo = 0;
  let inHunk = false;
  for (const line of diff.split("\n")) {
    const hunk = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (hunk) {
      oldNo = Number(hunk[1]);
      newNo = Number(hunk[2]);
      inHunk = true;
      continue;
    }
    if (!inHunk) continue;
    if (line.startsWith("+")) out.push({ kind: "added", oldLine: null, newLine: newNo++ });
    else if (line.startsWith("-")) out.push({ kind: "removed", oldLine: oldNo++, newLine: null });
    else if (line.startsWith(" ")) out.push({ kind: "context", oldLine: oldNo++, newLine: newNo++ });
    // "\ No newline at end of file" and anything else carries no line number.
  }
  return out;
}

/** The file of the diff a finding names: by the path on its side first, then by the other path (a rename named either way). */
function fileOf(diffs: FileDiff[], finding: Pick<ReviewFinding, "file" | "side">): FileDiff | null {
  const file = finding.file.replace(/^\.?\/+/, "");
  const own = finding.side === "new" ? diffs.find((d) => d.newPath === file && d.status !== "deleted") : diffs.find((d) => d.oldPath === file && d.status !== "added");
  if (own) return own;
  return diffs.find((d) => d.status === "renamed" && (d.oldPath === file || d.newPath === file)) ?? null;
}

export interface PlacedFinding {
  position: TextPosition;
  kind: LineKind;
}

/** The position of a finding on this diff version, or null when its line is not part of the diff. */
export function positionFor(version: DiffVersion, finding: Pick<ReviewFinding, "file" | "line" | "side">): PlacedFinding | null {
  const file = fileOf(version.diffs, finding);
  if (!file) return null;
  const line = diffLines(file.diff).find((l) => (finding.side === "new" ? l.newLine === finding.line : l.oldLine === finding.line));
  if (!line) return null;
  const position: TextPosition = {
    position_type: "text",
    base_sha: version.baseSha,
    start_sha: version.startSha,
    head_sha: version.headSha,
    old_path: file.oldPath,
    new_path: file.newPath,
  };
  if (line.newLine !== null) position.new_line = line.newLine;
  if (line.oldLine !== null) position.old_line = line.oldLine;
  return { position, kind: line.kind };
}
