// Which lines of a unified diff a DiffNote may point at. GitLab rejects a position whose line is not
// part of the diff ("line_code can't be blank"); this mirrors that check on the hunks.
import type { DiffEntry } from "./git-repo";

export interface LineRef { oldLine: number | null; newLine: number | null }

export function diffLines(diff: string): LineRef[] {
  const out: LineRef[] = [];
  let oldNo = 0;
  let newNo = 0;
  for (const line of diff.split("\n")) {
    const hunk = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (hunk) {
      oldNo = Number(hunk[1]);
      newNo = Number(hunk[2]);
      continue;
    }
    if (line.startsWith("+")) out.push({ oldLine: null, newLine: newNo++ });
    else if (line.startsWith("-")) out.push({ oldLine: oldNo++, newLine: null });
    else if (line.startsWith(" ")) out.push({ oldLine: oldNo++, newLine: newNo++ });
  }
  return out;
}

/** True if (old_line, new_line) names a line of the file's diff: an addition, a deletion or a context line. */
export function positionInDiff(diffs: DiffEntry[], path: { oldPath: string; newPath: string }, ref: LineRef): boolean {
  const entry = diffs.find((d) => d.new_path === path.newPath || d.old_path === path.oldPath);
  if (!entry) return false;
  return diffLines(entry.diff).some((l) => {
    if (ref.oldLine !== null && ref.newLine !== null) return l.oldLine === ref.oldLine && l.newLine === ref.newLine;
    if (ref.newLine !== null) return l.newLine === ref.newLine;
    if (ref.oldLine !== null) return l.oldLine === ref.oldLine;
    return false;
  });
}
