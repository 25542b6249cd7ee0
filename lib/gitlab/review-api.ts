import { z } from "zod";
import { withGitLab, type GitLabApi } from "./client";
import { GitLabError } from "./errors";
import { noteSchema, toNoteSummary, type NoteSummary } from "./notes";
import { parseOne } from "./paging";
import type { RedactedText } from "@/lib/redaction";

/**
 * The GitLab calls a merge request review needs (issue 18): the latest diff version with its SHAs
 * and its own diffs, the MR's threads, a new thread on a diff line, and editing our summary note.
 */

const versionSchema = z.object({ id: z.number().int(), head_commit_sha: z.string(), base_commit_sha: z.string(), start_commit_sha: z.string() }).loose();
const versionDiffSchema = z
  .object({ old_path: z.string(), new_path: z.string(), diff: z.string(), new_file: z.boolean().optional(), deleted_file: z.boolean().optional(), renamed_file: z.boolean().optional() })
  .loose();

export interface LatestDiffVersion {
  id: number;
  baseSha: string;
  startSha: string;
  headSha: string;
  diffs: { oldPath: string; newPath: string; diff: string; status: "added" | "deleted" | "renamed" | "modified" }[];
}

/**
 * The newest diff version, fetched by id so its SHAs and its diffs belong together even when the
 * branch moves meanwhile: `GET …/versions` lists versions newest first, `GET …/versions/:id` returns
 * that version with its `diffs` (https://docs.gitlab.com/api/merge_requests/#get-merge-request-diff-versions,
 * and "Get the latest merge request version" in https://docs.gitlab.com/api/discussions/#create-a-new-thread-in-the-merge-request-diff).
 * Null when the MR has no version yet (no diff).
 */
export async function getLatestDiffVersion(api: GitLabApi, projectId: number, iid: number): Promise<LatestDiffVersion | null> {
  const list = z.array(versionSchema).parse(await withGitLab<unknown>(() => api.MergeRequests.allDiffVersions(projectId, iid)));
  const newest = [...list].sort((a, b) => b.id - a.id)[0];
  if (!newest) return null;
  const raw = await withGitLab<unknown>(() => api.MergeRequests.showDiffVersion(projectId, iid, newest.id));
  const version = parseOne(raw, versionSchema.extend({ diffs: z.array(z.unknown()).default([]) }), "merge request diff version");
  return {
    id: version.id,
    baseSha: version.base_commit_sha,
    startSha: version.start_commit_sha,
    headSha: version.head_commit_sha,
    diffs: version.diffs.flatMap((item) => {
      const d = versionDiffSchema.safeParse(item);
      if (!d.success) return [];
      const status = d.data.new_file ? "added" : d.data.deleted_file ? "deleted" : d.data.renamed_file ? "renamed" : "modified";
      return [{ oldPath: d.data.old_path, newPath: d.data.new_path, diff: d.data.diff, status }];
    }),
  };
}

const discussionSchema = z.object({ id: z.string(), notes: z.array(noteSchema) }).loose();

export interface ThreadSummary {
  id: string;
  notes: NoteSummary[];
}

/** Every thread of the MR (all pages; a busy MR has a few hundred at most). */
export async function listMergeRequestDiscussions(api: GitLabApi, projectId: number, iid: number): Promise<ThreadSummary[]> {
  const raw = await withGitLab<unknown>(() => api.MergeRequestDiscussions.all(projectId, iid, { perPage: 100 }));
  return z
    .array(z.unknown())
    .parse(raw)
    .flatMap((item) => {
      const d = discussionSchema.safeParse(item);
      return d.success ? [{ id: d.data.id, notes: d.data.notes.map((n) => ({ ...toNoteSummary(n), discussionId: d.data.id })) }] : [];
    });
}

export interface DiffPositionInput {
  position_type: "text";
  base_sha: string;
  start_sha: string;
  head_sha: string;
  old_path: string;
  new_path: string;
  new_line?: number;
  old_line?: number;
}

/**
 * A new thread on a line of the diff (`POST …/discussions` with `position`). GitLab answers 400
 * (`Note {:line_code=>["can't be blank", …]}`) when the position is not a line of that version's
 * diff; that comes back as a GitLabError of kind `bad_request`.
 */
export async function createDiffDiscussion(api: GitLabApi, projectId: number, iid: number, body: RedactedText, position: DiffPositionInput): Promise<ThreadSummary> {
  // gitbeaker sends the position's keys as given (camelize is off) but types its lines as strings.
  type CreateOptions = NonNullable<Parameters<GitLabApi["MergeRequestDiscussions"]["create"]>[3]>;
  const options = { position: position as unknown as CreateOptions["position"] };
  const raw = await withGitLab<unknown>(() => api.MergeRequestDiscussions.create(projectId, iid, body, options));
  const d = parseOne(raw, discussionSchema, "discussion");
  return { id: d.id, notes: d.notes.map((n) => ({ ...toNoteSummary(n), discussionId: d.id })) };
}

/** Replaces the body of a comment on the MR (our own summary note). */
export async function editMergeRequestNote(api: GitLabApi, projectId: number, iid: number, noteId: number, body: RedactedText): Promise<NoteSummary> {
  const raw = await withGitLab<unknown>(() => api.MergeRequestNotes.edit(projectId, iid, noteId, { body }));
  return toNoteSummary(parseOne(raw, noteSchema, "note"));
}

/** GitLab refused the position itself (400; 422 on some versions, which errors.ts also maps to bad_request). */
export const isInvalidPosition = (err: unknown): boolean => err instanceof GitLabError && err.kind === "bad_request";
