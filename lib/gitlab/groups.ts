import { z } from "zod";
import { withGitLab, type GitLabApi } from "./client";
import { GitLabError } from "./errors";

/**
 * Groups, memberships and the paging primitives the webhook manager needs. Lists are fetched one
 * page per call (`listPage`) so the caller decides how to pace, gate and retry each page, and a
 * rate limit on page 7 never restarts the listing from page 1.
 */

type QueryValue = string | number | boolean | undefined;
export type Query = Record<string, QueryValue>;

export interface RestResponse {
  body: unknown;
  headers: Record<string, string>;
  status: number;
}

type Method = "get" | "post" | "put" | "delete";

/**
 * One REST call through gitbeaker's requester: the client's host, auth header, timeout and
 * single-attempt requester, so failures become typed GitLabErrors. Bodies are sent as JSON exactly
 * as given (snake_case), which lets us send fields gitbeaker's option types lack (`name`).
 */
export async function rest(api: GitLabApi, method: Method, endpoint: string, opts: { query?: Query; body?: Record<string, unknown> } = {}): Promise<RestResponse> {
  // Every resource of the bundle shares host, auth and requester; Projects is just one of them.
  const resource = api.Projects;
  const searchParams = opts.query ? Object.fromEntries(Object.entries(opts.query).filter(([, v]) => v !== undefined)) : undefined;
  return withGitLab(async () => {
    const signal = resource.queryTimeout ? AbortSignal.timeout(resource.queryTimeout) : undefined;
    const res = await resource.requester[method](endpoint, { searchParams, body: opts.body, signal });
    return { body: res.body, headers: res.headers, status: res.status };
  });
}

/** Where the next page starts: an offset page number, or the keyset query GitLab's `Link` names. */
export type Cursor = { page: number } | { keyset: Query } | null;

export interface ListPage<T> {
  items: T[];
  next: Cursor;
}

function nextLink(headers: Record<string, string>): Query | null {
  const link = headers.link ?? headers.Link;
  if (!link) return null;
  for (const part of link.split(",")) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (m?.[1]) {
      const url = new URL(m[1]);
      return Object.fromEntries(url.searchParams.entries());
    }
  }
  return null;
}

/**
 * One page of a GitLab list. Offset pages follow `x-next-page`; keyset pages (`pagination=keyset`)
 * follow the `Link: rel="next"` query. Elements that do not match `schema` are skipped rather than
 * failing the whole listing.
 */
export async function listPage<S extends z.ZodType>(api: GitLabApi, endpoint: string, query: Query, schema: S, cursor: Cursor = null): Promise<ListPage<z.infer<S>>> {
  const keyset = query.pagination === "keyset";
  const q: Query = { ...query, per_page: query.per_page ?? 100 };
  if (cursor && "page" in cursor) q.page = cursor.page;
  if (cursor && "keyset" in cursor) Object.assign(q, cursor.keyset);
  const res = await rest(api, "get", endpoint, { query: q });
  if (!Array.isArray(res.body)) throw new GitLabError("server_error", `GitLab returned an unexpected list for ${endpoint}`);
  const items: z.infer<S>[] = [];
  for (const raw of res.body) {
    const parsed = schema.safeParse(raw);
    if (parsed.success) items.push(parsed.data);
  }
  let next: Cursor = null;
  if (keyset) {
    const link = nextLink(res.headers);
    next = link ? { keyset: link } : null;
  } else {
    const n = Number.parseInt(res.headers["x-next-page"] ?? "", 10);
    next = Number.isInteger(n) && n > 0 && res.body.length > 0 ? { page: n } : null;
  }
  return { items, next };
}

/** Every page of a list, each fetched through `run` (pacing, retries), with a hard page cap. */
export async function collectPages<T>(fetchPage: (cursor: Cursor) => Promise<ListPage<T>>, maxPages = 10_000): Promise<T[]> {
  const all: T[] = [];
  let cursor: Cursor = null;
  for (let i = 0; i < maxPages; i++) {
    const page = await fetchPage(cursor);
    all.push(...page.items);
    if (!page.next) return all;
    cursor = page.next;
  }
  throw new GitLabError("server_error", `GitLab kept returning pages after ${maxPages}; stopped listing`);
}

export const groupSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  full_name: z.string().optional(),
  full_path: z.string(),
  web_url: z.string(),
  parent_id: z.number().int().nullish(),
});
export type GitLabGroup = z.infer<typeof groupSchema>;

/** One page of the groups the user is a member of (directly or through an ancestor group). */
export function groupsPage(api: GitLabApi, cursor: Cursor): Promise<ListPage<GitLabGroup>> {
  // min_access_level=10 means "member with at least Guest"; without it an admin would list every group.
  return listPage(api, "groups", { min_access_level: 10, order_by: "id", sort: "asc" }, groupSchema, cursor);
}

export const groupProjectSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  path_with_namespace: z.string(),
  web_url: z.string(),
});
export type GitLabGroupProject = z.infer<typeof groupProjectSchema>;

/** One page of a group's own projects (subgroups included) where the user has at least `minAccessLevel`. */
export function groupProjectsPage(api: GitLabApi, groupId: number, minAccessLevel: number, cursor: Cursor): Promise<ListPage<GitLabGroupProject>> {
  return listPage(
    api,
    `groups/${groupId}/projects`,
    // with_shared=false: projects shared INTO the group live in other namespaces and are not its own.
    { include_subgroups: true, with_shared: false, min_access_level: minAccessLevel, simple: true, order_by: "id", sort: "asc" },
    groupProjectSchema,
    cursor,
  );
}

const memberSchema = z.object({ id: z.number().int(), access_level: z.number().int() });

/**
 * The user's effective access level on a group or project (`members/all/:user_id`: inherited from
 * ancestor groups and invited groups, highest wins); 0 when GitLab says they are not a member.
 */
export async function effectiveAccessLevel(api: GitLabApi, kind: "group" | "project", resourceId: number, gitlabUserId: number): Promise<number> {
  try {
    const res = await rest(api, "get", `${kind}s/${resourceId}/members/all/${gitlabUserId}`);
    const parsed = memberSchema.safeParse(res.body);
    if (!parsed.success) throw new GitLabError("server_error", "GitLab returned an unexpected member");
    return parsed.data.access_level;
  } catch (err) {
    if (err instanceof GitLabError && err.kind === "not_found") return 0;
    throw err;
  }
}

const namespaceSchema = z.object({ id: z.number().int(), plan: z.string().nullish() }).loose();

/**
 * The subscription plan of a namespace when GitLab reveals it (GitLab.com shows `plan` to group
 * Owners), otherwise null: self-managed instances and older versions omit it, and we never guess.
 */
export async function namespacePlan(api: GitLabApi, namespaceId: number): Promise<string | null> {
  try {
    const res = await rest(api, "get", `namespaces/${namespaceId}`);
    const parsed = namespaceSchema.safeParse(res.body);
    return parsed.success ? (parsed.data.plan ?? null) : null;
  } catch (err) {
    if (err instanceof GitLabError && (err.kind === "not_found" || err.kind === "forbidden" || err.kind === "bad_request")) return null;
    throw err;
  }
}

export const ACCESS_LEVEL_NAMES: Record<number, string> = {
  0: "no access",
  5: "Minimal Access",
  10: "Guest",
  15: "Planner",
  20: "Reporter",
  30: "Developer",
  40: "Maintainer",
  50: "Owner",
  60: "Admin",
};

export function accessLevelName(level: number): string {
  return ACCESS_LEVEL_NAMES[level] ?? `access level ${level}`;
}
