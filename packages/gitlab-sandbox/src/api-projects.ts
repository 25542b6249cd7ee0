// /projects (list with membership/search/order filters, offset and keyset pagination), single
// project, effective members, and labels.
import { z } from "zod";
import { canReadProject, groupChain, projectAccess, projectDirectAccess } from "./access";
import { paged, projectFor } from "./api-common";
import { created, ok, type ApiResult, type ApiRoute, type Ctx } from "./context";
import { conflict, invalid, recordNotFound } from "./http";
import { validate, zStr } from "./params";
import { ensureLabel, labelEntity } from "./present-issues";
import { projectEntity, projectSimple } from "./present-projects";
import { memberEntity } from "./present-users";
import type { Membership, Project, Store, User } from "./store";

const ORDER_KEYS: Record<string, (p: Project) => number | string> = {
  id: (p) => p.id, name: (p) => p.name.toLowerCase(), path: (p) => p.path.toLowerCase(), created_at: (p) => p.createdAt,
  updated_at: (p) => p.updatedAt, last_activity_at: (p) => p.lastActivityAt, similarity: (p) => p.id,
};

function truthy(v: string | null): boolean {
  return v === "true" || v === "1" || v === "yes";
}

function ownsProject(store: Store, user: User, p: Project): boolean {
  if (p.namespace.kind === "user") return p.namespace.userId === user.id;
  return groupChain(store, p.namespace.id).some((g) => (g.members.get(user.id)?.accessLevel ?? 0) >= 50);
}

function listProjects(ctx: Ctx): ApiResult {
  const { store } = ctx.app;
  const q = ctx.query;
  const user = ctx.principal?.user ?? null;
  const orderBy = q.get("order_by") ?? "created_at";
  const keyFn = ORDER_KEYS[orderBy];
  if (!keyFn) throw invalid(["order_by"]);
  const sort = q.get("sort") ?? "desc";
  if (sort !== "asc" && sort !== "desc") throw invalid(["sort"]);
  const minLevel = q.has("min_access_level") ? Number(q.get("min_access_level")) : 0;
  if (!Number.isInteger(minLevel)) throw invalid(["min_access_level"]);
  const membership = truthy(q.get("membership")) && user !== null;
  const owned = truthy(q.get("owned")) && user !== null;
  const search = q.get("search")?.toLowerCase() ?? "";
  const searchNamespaces = truthy(q.get("search_namespaces"));
  const visibility = q.get("visibility");
  const archived = q.get("archived");

  const out: Project[] = [];
  for (const p of store.projects.values()) {
    if (visibility && p.visibility !== visibility) continue;
    if (archived === "true") continue;
    if (search) {
      const hay = searchNamespaces ? [p.name, p.path, p.fullPath, p.nameWithNamespace] : [p.name, p.path];
      if (!hay.some((s) => s.toLowerCase().includes(search))) continue;
    }
    if (user && (membership || minLevel > 0)) {
      const level = projectAccess(store, user.id, p);
      if (level < Math.max(minLevel, 10)) continue;
    } else if (!canReadProject(store, user, p)) continue;
    if (owned && user && !ownsProject(store, user, p)) continue;
    out.push(p);
  }
  const dir = sort === "asc" ? 1 : -1;
  out.sort((a, b) => {
    const ka = keyFn(a);
    const kb = keyFn(b);
    if (ka !== kb) return ka < kb ? -dir : dir;
    return (a.id - b.id) * dir;
  });
  const simple = truthy(q.get("simple"));
  const present = (p: Project): unknown => (simple ? projectSimple(ctx.app, p) : projectEntity(ctx.app, p, user, false));
  if (q.get("pagination") === "keyset") return keyset(ctx, out, sort, present);
  return paged(ctx, out, present);
}

/** Keyset pagination (order_by=id): only a `Link` rel="next" with `id_after`/`id_before`. */
function keyset(ctx: Ctx, sorted: Project[], sort: string, present: (p: Project) => unknown): ApiResult {
  if ((ctx.query.get("order_by") ?? "id") !== "id") throw invalid(["order_by"]);
  const perPage = Math.min(100, Math.max(1, Number.parseInt(ctx.query.get("per_page") ?? "20", 10) || 20));
  const after = Number(ctx.query.get("id_after") ?? Number.NaN);
  const before = Number(ctx.query.get("id_before") ?? Number.NaN);
  const rest = sorted.filter((p) => (Number.isNaN(after) || p.id > after) && (Number.isNaN(before) || p.id < before));
  const page = rest.slice(0, perPage);
  const headers: Record<string, string> = {};
  const last = page[page.length - 1];
  if (rest.length > perPage && last) {
    const next = new URL(ctx.publicUrl);
    next.searchParams.delete("id_after");
    next.searchParams.delete("id_before");
    next.searchParams.set(sort === "asc" ? "id_after" : "id_before", String(last.id));
    headers.Link = `<${next.toString()}>; rel="next"`;
  }
  return { status: 200, body: page.map(present), headers };
}

function getProject(ctx: Ctx): ApiResult {
  const { project, user } = projectFor(ctx);
  return ok(projectEntity(ctx.app, project, user, true));
}

/** Every membership of a project: direct, personal-namespace owner, and inherited from ancestor groups. */
export function effectiveMembers(store: Store, project: Project): Map<number, Membership> {
  const best = new Map<number, Membership>();
  const offer = (m: Membership): void => {
    const cur = best.get(m.userId);
    if (!cur || m.accessLevel > cur.accessLevel) best.set(m.userId, m);
  };
  if (project.namespace.kind === "user") offer({ userId: project.namespace.userId, accessLevel: 50, createdAt: project.createdAt, createdById: null, expiresAt: null });
  for (const m of project.members.values()) offer(m);
  if (project.namespace.kind === "group") for (const g of groupChain(store, project.namespace.id)) for (const m of g.members.values()) offer(m);
  return best;
}

function memberAll(ctx: Ctx): ApiResult {
  const { project } = projectFor(ctx);
  const m = effectiveMembers(ctx.app.store, project).get(Number(ctx.params.user_id));
  const user = m ? ctx.app.store.users.get(m.userId) : undefined;
  if (!m || !user) throw recordNotFound();
  return ok(memberEntity(ctx.app, user, m));
}

function membersAll(ctx: Ctx): ApiResult {
  const { project } = projectFor(ctx);
  const list = [...effectiveMembers(ctx.app.store, project).values()].sort((a, b) => a.userId - b.userId);
  return paged(ctx, list, (m) => {
    const user = ctx.app.store.users.get(m.userId);
    return user ? memberEntity(ctx.app, user, m) : null;
  });
}

function memberDirect(ctx: Ctx): ApiResult {
  const { project } = projectFor(ctx);
  const userId = Number(ctx.params.user_id);
  const level = projectDirectAccess(project, userId);
  const user = ctx.app.store.users.get(userId);
  const m = project.members.get(userId) ?? (level > 0 ? { userId, accessLevel: level, createdAt: project.createdAt, createdById: null, expiresAt: null } : undefined);
  if (!m || !user) throw recordNotFound();
  return ok(memberEntity(ctx.app, user, m));
}

function listLabels(ctx: Ctx): ApiResult {
  const { project } = projectFor(ctx);
  const labels = [...project.labels.values()].sort((a, b) => a.title.localeCompare(b.title));
  return paged(ctx, labels, (l) => labelEntity(project, l));
}

function createLabel(ctx: Ctx): ApiResult {
  const { project } = projectFor(ctx, 20);
  const input = validate(z.object({ name: zStr, color: zStr.optional(), description: zStr.optional() }), ctx.input, ["name"]);
  if (project.labels.has(input.name)) throw conflict("Label already exists");
  const label = ensureLabel(ctx.app.store, project, input.name);
  if (input.color) label.color = input.color;
  if (input.description !== undefined) label.description = input.description;
  return created(labelEntity(project, label));
}

export const projectRoutes: ApiRoute[] = [
  { method: "GET", path: "/projects", handler: listProjects },
  { method: "GET", path: "/projects/:id", handler: getProject },
  { method: "GET", path: "/projects/:id/members/all", handler: membersAll },
  { method: "GET", path: "/projects/:id/members/all/:user_id", handler: memberAll },
  { method: "GET", path: "/projects/:id/members/:user_id", handler: memberDirect },
  { method: "GET", path: "/projects/:id/labels", handler: listLabels },
  { method: "POST", path: "/projects/:id/labels", handler: createLabel },
];
