// Lookups and checks shared by the REST handlers, with GitLab's "404 unless you may see it" rule.
import { canReadGroup, canReadProject, groupAccess, projectAccess } from "./access";
import type { ApiResult, Ctx } from "./context";
import { forbidden, notFound, paginate, recordNotFound } from "./http";
import type { Group, Issue, MergeRequest, Project, User } from "./store";
import type { BuiltEvent } from "./webhook-payloads";

export interface ProjectAccess { project: Project; level: number; user: User | null }

export function projectFor(ctx: Ctx, minLevel = 0): ProjectAccess {
  const project = ctx.app.store.findProject(ctx.params.id ?? "");
  const user = ctx.principal?.user ?? null;
  if (!project || !canReadProject(ctx.app.store, user, project)) throw notFound("Project");
  const level = user ? (user.admin ? 60 : projectAccess(ctx.app.store, user.id, project)) : 0;
  if (level < minLevel) throw forbidden();
  return { project, level, user };
}

export function groupFor(ctx: Ctx): { group: Group; level: number; user: User | null } {
  const group = ctx.app.store.findGroup(ctx.params.id ?? "");
  const user = ctx.principal?.user ?? null;
  if (!group || !canReadGroup(ctx.app.store, user, group)) throw notFound("Group");
  return { group, level: user ? (user.admin ? 60 : groupAccess(ctx.app.store, user.id, group)) : 0, user };
}

/** Confidential issues are visible to Planner+ members, the author and assignees only. */
export function canSeeIssue(issue: Issue, user: User | null, level: number): boolean {
  if (!issue.confidential) return true;
  if (!user) return false;
  return level >= 15 || issue.authorId === user.id || issue.assigneeIds.includes(user.id);
}

export function issueFor(ctx: Ctx, pa: ProjectAccess): Issue {
  const iid = Number(ctx.params.issue_iid);
  const issue = Number.isInteger(iid) ? pa.project.issues.get(iid) : undefined;
  if (!issue || !canSeeIssue(issue, pa.user, pa.level)) throw recordNotFound();
  return issue;
}

export function mrFor(ctx: Ctx, pa: ProjectAccess): MergeRequest {
  const iid = Number(ctx.params.merge_request_iid);
  const mr = Number.isInteger(iid) ? pa.project.mergeRequests.get(iid) : undefined;
  // Merge requests of private projects need Reporter; Guests cannot read code.
  if (!mr || (pa.project.visibility === "private" && pa.level < 20)) throw recordNotFound();
  return mr;
}

export function paged<T>(ctx: Ctx, items: T[], present: (item: T) => unknown): ApiResult {
  const { slice, headers } = paginate(items, ctx.query, ctx.publicUrl);
  return { status: 200, body: slice.map(present), headers };
}

/** Queues the webhook deliveries of an event built now, to go out after the response. */
export function fire(ctx: Ctx, project: Project, event: BuiltEvent): void {
  ctx.defer(() => ctx.app.webhooks.emit(project, event.flag, event.eventName, event.payload));
}

export function sortBy<T>(items: T[], key: (t: T) => number | string, sort: string | null): T[] {
  const dir = sort === "asc" ? 1 : -1;
  return [...items].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -dir : ka > kb ? dir : 0;
  });
}
