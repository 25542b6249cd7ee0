import { z } from "zod";
import { withGitLab, type GitLabApi } from "./client";
import { pageParams, parseOne, toPage, type Page, type PageRequest } from "./paging";

/** A project as the repository picker shows it. */
export interface ProjectSummary {
  id: number;
  name: string;
  pathWithNamespace: string;
  namespaceFullPath: string;
  namespaceKind: "user" | "group";
  /** null on GitLab versions whose `simple` entity omits it */
  visibility: "public" | "internal" | "private" | null;
  /** null for an empty repository or without read_code access */
  defaultBranch: string | null;
  webUrl: string;
  lastActivityAt: string | null;
}

export interface SearchProjectsParams extends PageRequest {
  search?: string;
}

// Only the fields we use; both the `simple` list entity and the full single-project entity have them.
const projectSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  path_with_namespace: z.string(),
  visibility: z.enum(["public", "internal", "private"]).nullish(),
  default_branch: z.string().nullish(),
  web_url: z.string(),
  last_activity_at: z.string().nullish(),
  namespace: z.object({ full_path: z.string(), kind: z.string() }),
});

function toSummary(p: z.infer<typeof projectSchema>): ProjectSummary {
  return {
    id: p.id,
    name: p.name,
    pathWithNamespace: p.path_with_namespace,
    namespaceFullPath: p.namespace.full_path,
    namespaceKind: p.namespace.kind === "user" ? "user" : "group",
    visibility: p.visibility ?? null,
    defaultBranch: p.default_branch ?? null,
    webUrl: p.web_url,
    lastActivityAt: p.last_activity_at ?? null,
  };
}

/**
 * One page of the user's projects, most recently active first, filtered by `search` on GitLab's
 * side. Exactly one request per call, however many projects the user has: `membership=true`
 * keeps out the public projects of the whole instance, `simple=true` skips the expensive fields,
 * and an explicit `page` stops gitbeaker from following `Link: rel="next"`.
 * Note GitLab matches search terms shorter than 3 characters exactly, not as substrings.
 */
export async function searchProjects(api: GitLabApi, params: SearchProjectsParams = {}): Promise<Page<ProjectSummary>> {
  const { page, perPage } = pageParams(params);
  const search = params.search?.trim();
  const result = await withGitLab(() =>
    api.Projects.all<true, "offset">({
      membership: true,
      simple: true,
      orderBy: "last_activity_at",
      sort: "desc",
      ...(search ? { search } : {}),
      // "group/proj" only matches when the namespace is searched as well.
      ...(search?.includes("/") ? { searchNamespaces: true } : {}),
      pagination: "offset",
      page,
      perPage,
      maxPages: 1,
      showExpanded: true,
    }),
  );
  return toPage(result, projectSchema, toSummary, "project");
}

/** A project by numeric id or full path (`group/sub/project`); throws GitLabError `not_found`. */
export async function getProject(api: GitLabApi, idOrPath: number | string): Promise<ProjectSummary> {
  const raw = await withGitLab(() => api.Projects.show(idOrPath));
  return toSummary(parseOne(raw, projectSchema, "project"));
}
