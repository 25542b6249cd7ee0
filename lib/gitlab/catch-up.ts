import { z } from "zod";
import type { GitLabApi } from "./client";
import { collectPages, listPage, type Cursor, type ListPage } from "./groups";
import { noteSchema } from "./notes";

/**
 * What changed on a project since a moment, for the catch-up sweep (lib/webhook-installations/recovery-sweep.ts):
 * - issues and merge requests with `updated_after` (inclusive), any state; a new comment or label
 *   touches the issue's `updated_at`.
 *   https://docs.gitlab.com/api/issues/#list-project-issues
 *   https://docs.gitlab.com/api/merge_requests/#list-project-merge-requests
 * - an issue's or MR's comments, newest first (`sort=desc&order_by=created_at`), read until older
 *   than the moment. The notes API has no date filter.
 *   https://docs.gitlab.com/api/notes/#list-project-issue-notes
 */

const MAX_PAGES = 20;

export const changedIssueSchema = z
  .object({
    id: z.number().int(),
    iid: z.number().int(),
    title: z.string(),
    updated_at: z.string(),
    labels: z.array(z.union([z.string(), z.object({ name: z.string() }).loose()])).optional(),
  })
  .loose();
export type ChangedIssue = z.infer<typeof changedIssueSchema>;

export const changedMergeRequestSchema = z
  .object({
    id: z.number().int(),
    iid: z.number().int(),
    title: z.string(),
    updated_at: z.string(),
    target_project_id: z.number().int(),
    source_branch: z.string(),
    target_branch: z.string(),
    source_project_id: z.number().int(),
  })
  .loose();
export type ChangedMergeRequest = z.infer<typeof changedMergeRequestSchema>;

export function issuesUpdatedSince(api: GitLabApi, projectId: number, since: Date): Promise<ChangedIssue[]> {
  const query = { updated_after: since.toISOString(), scope: "all", state: "all", order_by: "updated_at", sort: "asc" };
  return collectPages((cursor) => listPage(api, `projects/${projectId}/issues`, query, changedIssueSchema, cursor), MAX_PAGES);
}

export function mergeRequestsUpdatedSince(api: GitLabApi, projectId: number, since: Date): Promise<ChangedMergeRequest[]> {
  const query = { updated_after: since.toISOString(), scope: "all", state: "all", order_by: "updated_at", sort: "asc" };
  return collectPages((cursor) => listPage(api, `projects/${projectId}/merge_requests`, query, changedMergeRequestSchema, cursor), MAX_PAGES);
}

export const sweptNoteSchema = noteSchema.and(z.object({ created_at: z.string(), discussion_id: z.string().nullish() }).loose());
export type SweptNote = z.infer<typeof sweptNoteSchema>;

/** The comments created at or after `since`, oldest first. */
export async function notesCreatedSince(api: GitLabApi, target: { type: "issue" | "merge_request"; projectId: number; iid: number }, since: Date): Promise<SweptNote[]> {
  const endpoint = `projects/${target.projectId}/${target.type === "issue" ? "issues" : "merge_requests"}/${target.iid}/notes`;
  const out: SweptNote[] = [];
  let cursor: Cursor = null;
  for (let i = 0; i < MAX_PAGES; i++) {
    const page: ListPage<SweptNote> = await listPage(api, endpoint, { sort: "desc", order_by: "created_at" }, sweptNoteSchema, cursor);
    let older = false;
    for (const note of page.items) {
      if (Date.parse(note.created_at) < since.getTime()) older = true;
      else out.push(note);
    }
    if (older || !page.next) break;
    cursor = page.next;
  }
  return out.reverse();
}
