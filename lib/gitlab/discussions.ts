import { z } from "zod";
import { withGitLab, type GitLabApi } from "./client";
import { noteSchema, toNoteSummary, type Noteable, type NoteSummary } from "./notes";
import { parseOne } from "./paging";

export interface DiscussionNote extends NoteSummary {
  /** file and line for inline (diff) comments */
  position: { path: string; line: number | null; oldLine: number | null } | null;
}

const discussionSchema = z.object({ id: z.string(), individual_note: z.boolean().optional(), notes: z.array(noteSchema) }).loose();

/** One thread with all its notes, oldest first (GitLab's order). */
export async function getDiscussion(api: GitLabApi, target: Noteable, discussionId: string): Promise<{ id: string; notes: DiscussionNote[] }> {
  const raw = await withGitLab(() =>
    target.type === "issue"
      ? api.IssueDiscussions.show(target.projectId, target.iid, discussionId)
      : api.MergeRequestDiscussions.show(target.projectId, target.iid, discussionId),
  );
  const d = parseOne(raw, discussionSchema, "discussion");
  return {
    id: d.id,
    notes: d.notes.map((n) => {
      const p = n.position;
      const path = p?.new_path ?? p?.old_path ?? null;
      return { ...toNoteSummary(n), discussionId: d.id, position: path ? { path, line: p?.new_line ?? null, oldLine: p?.old_line ?? null } : null };
    }),
  };
}
