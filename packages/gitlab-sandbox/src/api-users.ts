// /user, /users, /version and /personal_access_tokens/self.
import { requireUser } from "./auth";
import { ok, type ApiRoute, type Ctx } from "./context";
import { GITLAB_REVISION, GITLAB_VERSION } from "./version";
import { iso } from "./format";
import { notFound } from "./http";
import { paged } from "./api-common";
import { userPublic, userSelf } from "./present-users";

function currentUser(ctx: Ctx) {
  return ok(userSelf(ctx.app, requireUser(ctx)));
}

function userById(ctx: Ctx) {
  const id = ctx.params.id ?? "";
  const user = /^\d+$/.test(id) ? ctx.app.store.users.get(Number(id)) : ctx.app.store.usersByUsername.get(id.toLowerCase());
  if (!user) throw notFound("User");
  const self = ctx.principal?.user.id === user.id;
  return ok(self ? userSelf(ctx.app, user) : userPublic(ctx.app, user));
}

/** `GET /users?username=` and `?search=` (what clients use to resolve usernames). */
function listUsers(ctx: Ctx) {
  const username = ctx.query.get("username")?.toLowerCase();
  const search = ctx.query.get("search")?.toLowerCase();
  const users = [...ctx.app.store.users.values()].filter((u) => {
    if (username !== undefined) return u.username.toLowerCase() === username;
    if (search) return u.username.toLowerCase().includes(search) || u.name.toLowerCase().includes(search) || u.email.toLowerCase() === search;
    return true;
  });
  return paged(ctx, users, (u) => userPublic(ctx.app, u));
}

function version() {
  return ok({ version: `${GITLAB_VERSION}-ee`, revision: GITLAB_REVISION, kas: { enabled: false, externalUrl: null, externalK8sProxyUrl: null, version: null }, enterprise: true });
}

/** Only a personal access token can describe itself; OAuth tokens get 404 like on GitLab. */
function patSelf(ctx: Ctx) {
  const principal = ctx.principal;
  if (!principal) throw notFound();
  const pat = principal.kind === "pat" ? ctx.app.store.pats.get(principal.tokenId) : undefined;
  if (!pat) throw notFound();
  return ok({
    id: pat.id, name: pat.name, revoked: pat.revoked, created_at: iso(pat.createdAt), description: null, scopes: pat.scopes,
    user_id: pat.userId, last_used_at: pat.lastUsedAt === null ? null : iso(pat.lastUsedAt), active: !pat.revoked,
    expires_at: pat.expiresAt,
  });
}

export const userRoutes: ApiRoute[] = [
  { method: "GET", path: "/user", handler: currentUser, extraScopes: ["read_user"] },
  { method: "GET", path: "/users", handler: listUsers, extraScopes: ["read_user"] },
  { method: "GET", path: "/users/:id", handler: userById, extraScopes: ["read_user"] },
  { method: "GET", path: "/version", handler: version, extraScopes: ["read_user"] },
  { method: "GET", path: "/personal_access_tokens/self", handler: patSelf, extraScopes: ["read_user", "read_repository", "write_repository"] },
];
