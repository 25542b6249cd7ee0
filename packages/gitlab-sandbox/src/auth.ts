// API authentication as GitLab's API guard does it: a PAT or OAuth token from `Authorization: Bearer`,
// `PRIVATE-TOKEN` or `?access_token=` / `?private_token=`. Expired and revoked tokens get the OAuth
// `invalid_token` body with a `WWW-Authenticate` header; unknown tokens get `401 Unauthorized`.
import type { IncomingMessage } from "node:http";
import type { App, Ctx, Principal } from "./context";
import { HttpError, unauthorized } from "./http";
import type { OAuthToken, PersonalAccessToken, User } from "./store";

const EXPIRED = "Token is expired. You can either do re-authorization or token refresh.";
const REVOKED = "Token was revoked. You have to re-authorize from the user.";
const INSUFFICIENT = "The request requires higher privileges than provided by the access token.";

function invalidToken(description: string): HttpError {
  return new HttpError(401, { error: "invalid_token", error_description: description }, {
    "WWW-Authenticate": `Bearer realm="The API", error="invalid_token", error_description="${description}"`,
  });
}

export function insufficientScope(scopes: string[]): HttpError {
  return new HttpError(403, { error: "insufficient_scope", error_description: INSUFFICIENT, scope: scopes.join(" ") }, {
    "WWW-Authenticate": `Bearer realm="The API", error="insufficient_scope", error_description="${INSUFFICIENT}", scope="${scopes.join(" ")}"`,
  });
}

/** The token string a request carries, if any. */
export function requestToken(req: IncomingMessage, query: URLSearchParams): string | null {
  const header = req.headers.authorization;
  if (header) {
    const m = /^(?:Bearer|OAuth)\s+(\S+)\s*$/i.exec(header);
    if (m?.[1]) return m[1];
  }
  const priv = req.headers["private-token"];
  if (typeof priv === "string" && priv !== "") return priv;
  return query.get("access_token") ?? query.get("private_token");
}

export function oauthTokenExpired(app: App, t: OAuthToken): boolean {
  return t.expiredOverride || Date.now() >= t.createdAt + t.expiresInSeconds * 1000;
}

function patExpired(t: PersonalAccessToken): boolean {
  return t.expiresAt !== null && t.expiresAt <= new Date().toISOString().slice(0, 10);
}

/** Resolves a token to a principal; throws for unknown, expired or revoked tokens. */
export function authenticateToken(app: App, token: string): Principal {
  const { store } = app;
  const oauth = store.tokensByAccess.get(token);
  if (oauth) {
    if (oauth.revokedAt !== null) throw invalidToken(REVOKED);
    if (oauthTokenExpired(app, oauth)) throw invalidToken(EXPIRED);
    const user = store.users.get(oauth.userId);
    if (!user || user.state !== "active") throw unauthorized();
    return { user, scopes: oauth.scopes, kind: "oauth", tokenId: oauth.id, token };
  }
  const pat = store.patsByToken.get(token);
  if (pat) {
    if (pat.revoked) throw invalidToken(REVOKED);
    if (patExpired(pat)) throw invalidToken(EXPIRED);
    const user = store.users.get(pat.userId);
    if (!user || user.state !== "active") throw unauthorized();
    pat.lastUsedAt = Date.now();
    return { user, scopes: pat.scopes, kind: "pat", tokenId: pat.id, token };
  }
  throw unauthorized();
}

/** Non-throwing variant for git Basic auth, where any failure is the same 401 challenge. */
export function tryAuthenticate(app: App, token: string): Principal | null {
  try {
    return authenticateToken(app, token);
  } catch {
    return null;
  }
}

/** API::API allows `read_api` for GET/HEAD only; every endpoint accepts `api`. */
export function checkScopes(principal: Principal, method: string, extraScopes: string[] = []): void {
  const read = method === "GET" || method === "HEAD";
  const accepted = read ? ["api", "read_api", ...extraScopes] : ["api"];
  if (!principal.scopes.some((s) => accepted.includes(s))) throw insufficientScope(accepted);
}

export function requireUser(ctx: Ctx): User {
  if (!ctx.principal) throw unauthorized();
  return ctx.principal.user;
}
