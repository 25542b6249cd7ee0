import { z } from "zod";
import { withGitLab, type GitLabApi } from "./client";
import { GitLabError } from "./errors";
import type { RedactedText } from "@/lib/redaction";
import { parseOne } from "./paging";

export interface MergeRequestDetails {
  iid: number;
  title: string;
  description: string;
  state: string;
  sourceBranch: string;
  targetBranch: string;
  sourceProjectId: number;
  targetProjectId: number;
  /** fork MRs: whether members of the target project may push to the source branch */
  allowCollaboration: boolean;
  webUrl: string;
}

const mrSchema = z
  .object({
    iid: z.number().int(),
    title: z.string(),
    description: z.string().nullish(),
    state: z.string(),
    source_branch: z.string(),
    target_branch: z.string(),
    source_project_id: z.number().int(),
    target_project_id: z.number().int(),
    allow_collaboration: z.boolean().nullish(),
    allow_maintainer_to_push: z.boolean().nullish(),
    web_url: z.string(),
  })
  .loose();

const toDetails = (m: z.infer<typeof mrSchema>): MergeRequestDetails => ({
  iid: m.iid,
  title: m.title,
  description: m.description ?? "",
  state: m.state,
  sourceBranch: m.source_branch,
  targetBranch: m.target_branch,
  sourceProjectId: m.source_project_id,
  targetProjectId: m.target_project_id,
  allowCollaboration: m.allow_collaboration ?? m.allow_maintainer_to_push ?? false,
  webUrl: m.web_url,
});

export async function getMergeRequest(api: GitLabApi, projectId: number, iid: number): Promise<MergeRequestDetails> {
  return toDetails(parseOne(await withGitLab(() => api.MergeRequests.show(projectId, iid)), mrSchema, "merge request"));
}

const diffSchema = z
  .object({ old_path: z.string(), new_path: z.string(), diff: z.string(), new_file: z.boolean().optional(), deleted_file: z.boolean().optional(), renamed_file: z.boolean().optional() })
  .loose();

export interface FileDiff {
  oldPath: string;
  newPath: string;
  diff: string;
  status: "added" | "deleted" | "renamed" | "modified";
}

/** The MR's file diffs (`GET …/diffs`, first page of up to 100 files). */
export async function getMergeRequestDiffs(api: GitLabApi, projectId: number, iid: number): Promise<FileDiff[]> {
  const raw: unknown = await withGitLab(() => api.MergeRequests.allDiffs(projectId, iid, { perPage: 100, page: 1, maxPages: 1 }));
  return z
    .array(z.unknown())
    .parse(raw)
    .flatMap((item) => {
      const d = diffSchema.safeParse(item);
      if (!d.success) return [];
      const status = d.data.new_file ? "added" : d.data.deleted_file ? "deleted" : d.data.renamed_file ? "renamed" : "modified";
      return [{ oldPath: d.data.old_path, newPath: d.data.new_path, diff: d.data.diff, status }];
    });
}

/** The open MR whose source branch is `branch`, if any (so a re-run never opens a duplicate). */
export async function findOpenMergeRequest(api: GitLabApi, projectId: number, branch: string): Promise<MergeRequestDetails | null> {
  const raw: unknown = await withGitLab(() => api.MergeRequests.all({ projectId, sourceBranch: branch, state: "opened", perPage: 20, page: 1, maxPages: 1 }));
  for (const item of z.array(z.unknown()).parse(raw)) {
    const parsed = mrSchema.safeParse(item);
    if (parsed.success && parsed.data.source_branch === branch && parsed.data.source_project_id === projectId) return toDetails(parsed.data);
  }
  return null;
}

export interface NewMergeRequest {
  sourceBranch: string;
  targetBranch: string;
  /** both redacted (issue 13): they are built from the agent's summary and from titles strangers write */
  title: RedactedText;
  description: RedactedText;
}

/**
 * Opens an MR, or returns the one already open for the branch: GitLab answers 409 when an open MR
 * exists for the same source and target (a retried job, or a run repeated on the same issue).
 */
export async function createOrReuseMergeRequest(api: GitLabApi, projectId: number, input: NewMergeRequest): Promise<{ mr: MergeRequestDetails; reused: boolean }> {
  const existing = await findOpenMergeRequest(api, projectId, input.sourceBranch);
  if (existing) return { mr: existing, reused: true };
  try {
    const raw = await withGitLab(() =>
      api.MergeRequests.create(projectId, input.sourceBranch, input.targetBranch, input.title, { description: input.description, removeSourceBranch: true }),
    );
    return { mr: toDetails(parseOne(raw, mrSchema, "merge request")), reused: false };
  } catch (err) {
    if (err instanceof GitLabError && err.kind === "conflict") {
      const again = await findOpenMergeRequest(api, projectId, input.sourceBranch);
      if (again) return { mr: again, reused: true };
    }
    throw err;
  }
}
