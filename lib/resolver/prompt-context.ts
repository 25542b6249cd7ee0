import type { FileDiff, MergeRequestDetails } from "@/lib/gitlab/merge-requests";
import type { IssueDetails } from "@/lib/gitlab/issues";
import type { NoteSummary } from "@/lib/gitlab/notes";
import type { DiffLocation } from "./trigger-types";

/**
 * The context a GitLab-triggered run is given (product.md §4, §5), as plain text. Pure, so the
 * truncation rules are unit-tested:
 * - comments and thread notes: system notes and the app's own comments are left out; when they do
 *   not all fit, the NEWEST are kept (the latest discussion is what the request is about);
 * - the description and the diff are capped with a visible "[… truncated]" note.
 * No markdown headings are used: the run puts the request under its own "## Current task" heading,
 * and text below it must not look like a new section.
 */

export const LIMITS = { description: 8_000, comments: 8_000, diff: 20_000, note: 3_000 } as const;

function cap(text: string, max: number): string {
  const t = text.trim();
  return t.length > max ? `${t.slice(0, max)}\n[… truncated, ${t.length - max} more characters]` : t;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((l) => `    ${l}`)
    .join("\n");
}

function renderNote(n: NoteSummary): string {
  return `- @${n.authorUsername}${n.createdAt ? ` (${n.createdAt})` : ""}:\n${indent(cap(n.body, LIMITS.note))}`;
}

/** Newest notes that fit in `budget`, returned oldest first. `notes` may come in any order. */
export function newestThatFit(notes: NoteSummary[], budget: number): { kept: NoteSummary[]; dropped: number } {
  const newestFirst = [...notes].sort((a, b) => (b.createdAt ?? "").localeCompare(a.createdAt ?? "") || b.id - a.id);
  const kept: NoteSummary[] = [];
  let used = 0;
  for (const n of newestFirst) {
    const size = renderNote(n).length + 1;
    if (used + size > budget) break;
    kept.push(n);
    used += size;
  }
  return { kept: kept.reverse(), dropped: notes.length - kept.length };
}

function renderNotes(title: string, notes: NoteSummary[], budget: number): string | null {
  if (notes.length === 0) return null;
  const { kept, dropped } = newestThatFit(notes, budget);
  const lines = [dropped > 0 ? `${title} (oldest first; ${dropped} older left out):` : `${title} (oldest first):`, ...kept.map(renderNote)];
  return lines.join("\n");
}

export function issueContext(input: { projectPath: string; issue: IssueDetails; comments: NoteSummary[]; excludeNoteId?: number | null }): string {
  const { issue } = input;
  const comments = input.comments.filter((n) => !n.system && n.id !== input.excludeNoteId);
  const parts = [
    `GitLab issue #${issue.iid} in ${input.projectPath}: ${issue.title}`,
    `(${issue.webUrl}, opened by @${issue.authorUsername}, ${issue.state})`,
    cap(issue.description || "(no description)", LIMITS.description),
  ];
  const rendered = renderNotes("Comments on the issue", comments, LIMITS.comments);
  if (rendered) parts.push(rendered);
  return parts.join("\n\n");
}

/** A unified diff of the MR, file by file, capped as a whole. */
export function renderDiff(diffs: FileDiff[], max = LIMITS.diff): string {
  const out: string[] = [];
  let used = 0;
  let omitted = 0;
  for (const d of diffs) {
    const header = d.status === "renamed" ? `--- a/${d.oldPath}\n+++ b/${d.newPath} (renamed)` : `--- a/${d.oldPath}\n+++ b/${d.newPath}${d.status === "added" ? " (new file)" : d.status === "deleted" ? " (deleted)" : ""}`;
    const block = `${header}\n${d.diff.trimEnd()}`;
    if (used + block.length > max) {
      omitted++;
      continue;
    }
    out.push(block);
    used += block.length;
  }
  if (omitted > 0) out.push(`[… ${omitted} more file(s) left out: the diff is capped at ${max} characters]`);
  return out.join("\n");
}

export function mergeRequestContext(input: {
  projectPath: string;
  mr: MergeRequestDetails;
  diffs: FileDiff[];
  thread: NoteSummary[];
  excludeNoteId?: number | null;
  position?: DiffLocation | null;
}): string {
  const { mr } = input;
  const parts = [
    `GitLab merge request !${mr.iid} in ${input.projectPath}: ${mr.title}`,
    `(${mr.webUrl}; source branch ${mr.sourceBranch} → target branch ${mr.targetBranch}, ${mr.state}${mr.sourceProjectId !== mr.targetProjectId ? ", from a fork" : ""})`,
    cap(mr.description || "(no description)", LIMITS.description),
  ];
  if (input.position) {
    const line = input.position.line ?? input.position.oldLine;
    parts.push(`The comment is an inline comment on ${input.position.path}${line !== null ? `, line ${line}` : ""}${input.position.line === null && input.position.oldLine !== null ? " (old version)" : ""}.`);
  }
  const thread = input.thread.filter((n) => !n.system && n.id !== input.excludeNoteId);
  const rendered = renderNotes("Earlier comments in this thread", thread, LIMITS.comments);
  if (rendered) parts.push(rendered);
  parts.push(input.diffs.length > 0 ? `The merge request's changes:\n\n\`\`\`diff\n${renderDiff(input.diffs)}\n\`\`\`` : "The merge request has no changes yet.");
  return parts.join("\n\n");
}
