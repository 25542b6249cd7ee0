// Which lines of a unified diff a DiffNote may point at. GitLab computes a DiffNote's line_code from
// the diff between the position's SHAs, finding the line whose old AND new numbers equal the
// position's (Gitlab::Diff::File#line_for_position): an added line has no old number, a removed line
// no new number, an unchanged line both. No such line, or SHAs that name no diff, leaves line_code
// blank and the API answers 400 `Note {:line_code=>["can't be blank", "must be a valid line code"]}`
// (lib/api/discussions.rb: an invalid note is `bad_request!("Note #{note.errors.messages}")`, not 422).
// Docs: https://docs.gitlab.com/api/discussions/#create-a-new-thread-in-the-merge-request-diff
import type { DiffEntry } from "./git-repo";

export interface LineRef { oldLine: number | null; newLine: number | null }
export interface DiffLine extends LineRef { kind: "added" | "removed" | "context"; text: string }

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
    if (line.startsWith("+")) out.push({ kind: "added", oldLine: null, newLine: newNo++, text: line.slice(1) });
    else if (line.startsWith("-")) out.push({ kind: "removed", oldLine: oldNo++, newLine: null, text: line.slice(1) });
    else if (line.startsWith(" ")) out.push({ kind: "context", oldLine: oldNo++, newLine: newNo++, text: line.slice(1) });
  }
  return out;
}

/** The file of the diff with exactly these paths (both are required; they differ for a renamed file). */
export function diffEntryFor(diffs: DiffEntry[], path: { oldPath: string; newPath: string }): DiffEntry | undefined {
  return diffs.find((d) => d.new_path === path.newPath && d.old_path === path.oldPath);
}

/** True if (old_line, new_line) names exactly one line of the file's diff, as GitLab matches it. */
export function positionInDiff(diffs: DiffEntry[], path: { oldPath: string; newPath: string }, ref: LineRef): boolean {
  const entry = diffEntryFor(diffs, path);
  if (!entry || (ref.oldLine === null && ref.newLine === null)) return false;
  return diffLines(entry.diff).some((l) => l.oldLine === ref.oldLine && l.newLine === ref.newLine);
}
