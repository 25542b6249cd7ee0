import { z } from "zod";
import { withGitLab, type GitLabApi } from "./client";
import { pageParams, parseOne, toPage, type Page, type PageRequest } from "./paging";

export interface BranchSummary {
  name: string;
  isDefault: boolean;
  commitSha: string;
  committedDate: string | null;
}

export interface SearchBranchesParams extends PageRequest {
  /** substring; GitLab also accepts `^prefix` and `suffix$` */
  search?: string;
}

const branchSchema = z.object({
  name: z.string(),
  default: z.boolean().optional(),
  commit: z.object({ id: z.string(), committed_date: z.string().nullish() }),
});

const toSummary = (b: z.infer<typeof branchSchema>): BranchSummary => ({
  name: b.name,
  isDefault: b.default ?? false,
  commitSha: b.commit.id,
  committedDate: b.commit.committed_date ?? null,
});

/** One page of a project's branches (GitLab orders them by name), one request per call. */
export async function searchBranches(api: GitLabApi, projectId: number | string, params: SearchBranchesParams = {}): Promise<Page<BranchSummary>> {
  const { page, perPage } = pageParams(params);
  const search = params.search?.trim();
  const result = await withGitLab(() =>
    api.Branches.all<true, "offset">(projectId, {
      ...(search ? { search } : {}),
      pagination: "offset",
      page,
      perPage,
      maxPages: 1,
      showExpanded: true,
    }),
  );
  return toPage(result, branchSchema, toSummary, "branch");
}

/** One branch by name (slashes allowed); throws GitLabError `not_found`. */
export async function getBranch(api: GitLabApi, projectId: number | string, name: string): Promise<BranchSummary> {
  const raw = await withGitLab(() => api.Branches.show(projectId, name));
  return toSummary(parseOne(raw, branchSchema, "branch"));
}
