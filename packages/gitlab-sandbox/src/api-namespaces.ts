// /namespaces and /namespaces/:id (user namespaces and groups). `plan` is shown to Owners only, as
// GitLab.com's EE entity does (Ability :admin_namespace); for subgroups it is the top-level plan.
import { canReadGroup, effectiveTier, groupAccess } from "./access";
import { paged } from "./api-common";
import { requireUser } from "./auth";
import { ok, type ApiResult, type ApiRoute, type Ctx } from "./context";
import { gravatar } from "./format";
import { notFound } from "./http";
import type { Group, User } from "./store";

function groupNamespace(ctx: Ctx, g: Group, viewer: User): Record<string, unknown> {
  const { store } = ctx.app;
  const owner = viewer.admin || groupAccess(store, viewer.id, g) >= 50;
  let projects = 0;
  for (const p of store.projects.values()) if (p.namespace.kind === "group" && p.namespace.id === g.id) projects++;
  return {
    id: g.id, name: g.name, path: g.path, kind: "group", full_path: g.fullPath, parent_id: g.parentId, avatar_url: null,
    web_url: `${ctx.app.baseUrl}/groups/${g.fullPath}`, members_count_with_descendants: g.members.size, root_repository_size: 0, projects_count: projects,
    ...(owner ? { plan: effectiveTier(store, g), billable_members_count: g.members.size, end_date: null, trial_ends_on: null, trial: false, max_seats_used: g.members.size, seats_in_use: g.members.size } : {}),
  };
}

function userNamespace(ctx: Ctx, u: User, viewer: User): Record<string, unknown> {
  let projects = 0;
  for (const p of ctx.app.store.projects.values()) if (p.namespace.kind === "user" && p.namespace.userId === u.id) projects++;
  return {
    id: u.namespaceId, name: u.name, path: u.username, kind: "user", full_path: u.username, parent_id: null, avatar_url: gravatar(u.email),
    web_url: `${ctx.app.baseUrl}/${u.username}`, members_count_with_descendants: null, root_repository_size: 0, projects_count: projects,
    ...(viewer.id === u.id || viewer.admin ? { plan: "free", billable_members_count: 1, end_date: null, trial_ends_on: null, trial: false } : {}),
  };
}

function getNamespace(ctx: Ctx): ApiResult {
  const viewer = requireUser(ctx);
  const { store } = ctx.app;
  const id = ctx.params.id ?? "";
  const group = store.findGroup(id);
  if (group && (viewer.admin || groupAccess(store, viewer.id, group) > 0 || canReadGroup(store, viewer, group))) return ok(groupNamespace(ctx, group, viewer));
  const user = /^\d+$/.test(id) ? [...store.users.values()].find((u) => u.namespaceId === Number(id)) : store.usersByUsername.get(id.toLowerCase());
  // Personal namespaces are only readable by their owner (and admins).
  if (user && (user.id === viewer.id || viewer.admin)) return ok(userNamespace(ctx, user, viewer));
  throw notFound("Namespace");
}

function listNamespaces(ctx: Ctx): ApiResult {
  const viewer = requireUser(ctx);
  const { store } = ctx.app;
  const search = ctx.query.get("search")?.toLowerCase() ?? "";
  const ownedOnly = ctx.query.get("owned_only") === "true";
  const out: Record<string, unknown>[] = [];
  if (!search || viewer.username.toLowerCase().includes(search)) out.push(userNamespace(ctx, viewer, viewer));
  for (const g of store.groups.values()) {
    const level = groupAccess(store, viewer.id, g);
    if (level <= 0 || (ownedOnly && level < 50)) continue;
    if (search && !g.path.toLowerCase().includes(search) && !g.name.toLowerCase().includes(search)) continue;
    out.push(groupNamespace(ctx, g, viewer));
  }
  return paged(ctx, out, (n) => n);
}

export const namespaceRoutes: ApiRoute[] = [
  { method: "GET", path: "/namespaces", handler: listNamespaces },
  { method: "GET", path: "/namespaces/:id", handler: getNamespace },
];
