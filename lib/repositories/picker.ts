import { z } from "zod";
import type { Database } from "@/db/client";
import { withUserGitLab, type GitLabApi } from "@/lib/gitlab/client";
import { searchProjects, getProject, type ProjectSummary } from "@/lib/gitlab/projects";
import { GitLabError } from "@/lib/gitlab/errors";
import { searchBranches, getBranch } from "@/lib/gitlab/branches";
import { gitlabOAuthConfig } from "@/lib/gitlab/settings";
import { AppError } from "@/lib/http/app-error";

export const pickerQuery = z.object({
  search: z.string().trim().max(100).optional().default(""),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  per_page: z.coerce.number().int().min(1).max(50).default(20),
});

/** One page of the user's repositories matching the search, straight from GitLab (never all of them). */
export function pickRepositories(db: Database, userId: string, query: z.infer<typeof pickerQuery>) {
  return withUserGitLab(db, userId, gitlabOAuthConfig, (api) => searchProjects(api, { search: query.search || undefined, page: query.page, perPage: query.per_page }));
}

export function pickBranches(db: Database, userId: string, projectId: number, query: z.infer<typeof pickerQuery>) {
  return withUserGitLab(db, userId, gitlabOAuthConfig, (api) => searchBranches(api, projectId, { search: query.search || undefined, page: query.page, perPage: query.per_page }));
}

/** Check, with the user's own token, that the repository and branch exist and are visible to them. */
export async function resolveRepositoryAndBranch(db: Database, userId: string, repository: number | string, branch?: string) {
  // The lookup returns "missing" instead of throwing AppError inside withUserGitLab, whose error
  // mapping is for GitLab errors only.
  const found = await withUserGitLab(db, userId, gitlabOAuthConfig, (api) => lookUp(api, repository, branch));
  if (found.missing === "repository") throw new AppError("repository_not_found", 404, `Repository ${repository} was not found, or you do not have access to it.`);
  if (found.missing === "branch") {
    const what = found.branch ? `Branch ${found.branch} does not exist in` : "There are no branches yet in";
    throw new AppError("branch_not_found", 404, `${what} ${found.project.pathWithNamespace}.`);
  }
  return { project: found.project, branch: found.branch };
}

type LookUp =
  | { missing: "repository" }
  | { missing: "branch"; project: ProjectSummary; branch: string | null }
  | { missing: null; project: ProjectSummary; branch: string };

async function lookUp(api: GitLabApi, repository: number | string, branch?: string): Promise<LookUp> {
  const project = await getProject(api, repository).catch(nullIfNotFound);
  if (!project) return { missing: "repository" };
  const name = branch ?? project.defaultBranch;
  if (!name) return { missing: "branch", project, branch: null };
  const found = await getBranch(api, project.id, name).catch(nullIfNotFound);
  return found ? { missing: null, project, branch: name } : { missing: "branch", project, branch: name };
}

function nullIfNotFound(err: unknown): null {
  if (err instanceof GitLabError && err.kind === "not_found") return null;
  throw err;
}
