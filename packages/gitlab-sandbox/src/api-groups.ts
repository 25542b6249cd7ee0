// /groups (list with membership filters), single group, group projects and effective members.
import { canReadGroup, canReadProject, groupAccess, groupChain, groupSubtreeIds, projectAccess } from "./access";
import { groupFor, paged } from "./api-common";
import { ok, type ApiResult, type ApiRoute, type Ctx } from "./context";
import { invalid, recordNotFound } from "./http";
import { groupEntity, projectEntity, projectSimple } from "./present-projects";
import { memberEntity } from "./present-users";
import type { Group, Membership, Project, Store, User } from "./store";

const truthy = (v: string | null): boolean => v === "true" || v === "1";

/** Groups a user belongs to: direct or inherited membership, or membership of a descendant group. */
function isGroupMember(store: Store, user: User, group: Group): boolean {
  if (groupAccess(store, user.id, group) > 0) return true;
  for (const g of store.groups.values()) if (g.members.has(user.id) && groupChain(store, g.id).some((a) => a.id === group.id)) return true;
  return false;
}

function listGroups(ctx: Ctx): ApiResult {
  const { store } = ctx.app;
  const q = ctx.query;
  const user = ctx.principal?.user ?? null;
  const minLevel = q.has("min_access_level") ? Number(q.get("min_access_level")) : 0;
  if (!Number.isInteger(minLevel)) throw invalid(["min_access_level"]);
  const allAvailable = q.has("all_available") ? truthy(q.get("all_available")) : user === null || user.admin;
  const search = q.get("search")?.toLowerCase() ?? "";
  const orderBy = q.get("order_by") ?? "name";
  const sort = q.get("sort") ?? "asc";
  if (!["name", "path", "id", "similarity"].includes(orderBy)) throw invalid(["order_by"]);
  const out: Group[] = [];
  for (const g of store.groups.values()) {
    if (truthy(q.get("top_level_only")) && g.parentId !== null) continue;
    if (search && !g.name.toLowerCase().includes(search) && !g.path.toLowerCase().includes(search)) continue;
    if (user && minLevel > 0) {
      if (groupAccess(store, user.id, g) < minLevel) continue;
    } else if (user && truthy(q.get("owned"))) {
      if ((g.members.get(user.id)?.accessLevel ?? 0) < 50) continue;
    } else if (allAvailable) {
      if (!canReadGroup(store, user, g)) continue;
    } else if (!user || !isGroupMember(store, user, g)) continue;
    out.push(g);
  }
  const key = (g: Group): string | number => (orderBy === "id" ? g.id : orderBy === "path" ? g.path.toLowerCase() : g.fullName.toLowerCase());
  const dir = sort === "desc" ? -1 : 1;
  out.sort((a, b) => (key(a) < key(b) ? -dir : key(a) > key(b) ? dir : (a.id - b.id) * dir));
  return paged(ctx, out, (g) => groupEntity(ctx.app, g, user));
}

function visibleProjectsOf(ctx: Ctx, group: Group): Project[] {
  const { store } = ctx.app;
  const user = ctx.principal?.user ?? null;
  const ids = truthy(ctx.query.get("include_subgroups")) ? groupSubtreeIds(store, group) : new Set([group.id]);
  const out: Project[] = [];
  for (const p of store.projects.values()) {
    if (p.namespace.kind !== "group" || !ids.has(p.namespace.id)) continue;
    if (!canReadProject(store, user, p)) continue;
    out.push(p);
  }
  return out;
}

function getGroup(ctx: Ctx): ApiResult {
  const { group, user } = groupFor(ctx);
  const body = groupEntity(ctx.app, group, user);
  // GET /groups/:id still embeds up to 100 projects unless with_projects=false.
  if (ctx.query.get("with_projects") !== "false") {
    const projects = visibleProjectsOf(ctx, group).sort((a, b) => b.id - a.id).slice(0, 100);
    Object.assign(body, { projects: projects.map((p) => withoutPermissions(projectEntity(ctx.app, p, user, false))), shared_projects: [], shared_with_groups: [] });
  } else Object.assign(body, { shared_with_groups: [] });
  Object.assign(body, { prevent_sharing_groups_outside_hierarchy: false, prevent_forking_outside_group: null, membership_lock: false });
  return ok(body);
}

function withoutPermissions(entity: Record<string, unknown>): Record<string, unknown> {
  const { permissions: _drop, ...rest } = entity;
  void _drop;
  return rest;
}

function groupProjects(ctx: Ctx): ApiResult {
  const { group, user } = groupFor(ctx);
  const { store } = ctx.app;
  const q = ctx.query;
  const search = q.get("search")?.toLowerCase() ?? "";
  const minLevel = q.has("min_access_level") ? Number(q.get("min_access_level")) : 0;
  let list = visibleProjectsOf(ctx, group).filter((p) => !search || p.name.toLowerCase().includes(search) || p.path.toLowerCase().includes(search));
  if (minLevel > 0) list = list.filter((p) => user !== null && projectAccess(store, user.id, p) >= minLevel);
  const orderBy = q.get("order_by") ?? "created_at";
  const dir = (q.get("sort") ?? "desc") === "asc" ? 1 : -1;
  const key = (p: Project): string | number => (orderBy === "name" ? p.name.toLowerCase() : orderBy === "path" ? p.path.toLowerCase() : orderBy === "id" ? p.id : orderBy === "last_activity_at" ? p.lastActivityAt : orderBy === "updated_at" ? p.updatedAt : p.createdAt);
  list.sort((a, b) => (key(a) < key(b) ? -dir : key(a) > key(b) ? dir : (a.id - b.id) * dir));
  const simple = truthy(q.get("simple"));
  return paged(ctx, list, (p) => (simple ? projectSimple(ctx.app, p) : withoutPermissions(projectEntity(ctx.app, p, user, false))));
}

function effectiveGroupMembers(store: Store, group: Group): Map<number, Membership> {
  const best = new Map<number, Membership>();
  for (const g of groupChain(store, group.id)) {
    for (const m of g.members.values()) {
      const cur = best.get(m.userId);
      if (!cur || m.accessLevel > cur.accessLevel) best.set(m.userId, m);
    }
  }
  return best;
}

function groupMemberAll(ctx: Ctx): ApiResult {
  const { group } = groupFor(ctx);
  const m = effectiveGroupMembers(ctx.app.store, group).get(Number(ctx.params.user_id));
  const user = m ? ctx.app.store.users.get(m.userId) : undefined;
  if (!m || !user) throw recordNotFound();
  return ok(memberEntity(ctx.app, user, m));
}

function groupMembersAll(ctx: Ctx): ApiResult {
  const { group } = groupFor(ctx);
  const list = [...effectiveGroupMembers(ctx.app.store, group).values()].sort((a, b) => a.userId - b.userId);
  return paged(ctx, list, (m) => {
    const user = ctx.app.store.users.get(m.userId);
    return user ? memberEntity(ctx.app, user, m) : null;
  });
}

function subgroups(ctx: Ctx): ApiResult {
  const { group, user } = groupFor(ctx);
  const list = [...ctx.app.store.groups.values()].filter((g) => g.parentId === group.id && canReadGroup(ctx.app.store, user, g));
  return paged(ctx, list.sort((a, b) => a.name.localeCompare(b.name)), (g) => groupEntity(ctx.app, g, user));
}

export const groupRoutes: ApiRoute[] = [
  { method: "GET", path: "/groups", handler: listGroups },
  { method: "GET", path: "/groups/:id", handler: getGroup },
  { method: "GET", path: "/groups/:id/projects", handler: groupProjects },
  { method: "GET", path: "/groups/:id/subgroups", handler: subgroups },
  { method: "GET", path: "/groups/:id/members/all", handler: groupMembersAll },
  { method: "GET", path: "/groups/:id/members/all/:user_id", handler: groupMemberAll },
];
