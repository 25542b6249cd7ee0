// GitLab as an OAuth 2 provider (doorkeeper): /oauth/authorize with sign-in and consent, /oauth/token
// for authorization_code (+ PKCE) and refresh_token, /oauth/revoke, /oauth/token/info, /oauth/userinfo.
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { oauthTokenExpired, requestToken } from "./auth";
import type { App } from "./context";
import { hex } from "./format";
import { redirect, sendHtml, sendJson } from "./http";
import { issueToken, revokeToken, tokenBody } from "./oauth-tokens";
import { renderConsentPage, renderErrorPage } from "./pages";
import type { Params } from "./params";
import { sessionUser, signInUrl } from "./session";
import { userWebUrl } from "./present-users";
import { gravatar } from "./format";
import type { OAuthApplication, OAuthToken, User } from "./store";

const DESCRIPTIONS = {
  invalid_grant: "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.",
  invalid_client: "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.",
  invalid_request: "The request is missing a required parameter, includes an unsupported parameter value, or is otherwise malformed.",
  unsupported_grant_type: "The authorization grant type is not supported by the authorization server.",
  invalid_scope: "The requested scope is invalid, unknown, or malformed.",
  access_denied: "The resource owner or authorization server denied the request.",
  unsupported_response_type: "The authorization server does not support this response type.",
  invalid_code_challenge_method: "The code challenge method must be plain or S256.",
  invalid_redirect_uri: "The requested redirect uri is malformed or doesn't match client redirect URI.",
} as const;
type OAuthError = keyof typeof DESCRIPTIONS;

const NO_STORE = { "Cache-Control": "no-store", "Pragma": "no-cache", "Content-Type": "application/json; charset=utf-8" };
const CODE_TTL_MS = 10 * 60 * 1000;

function tokenError(res: ServerResponse, error: OAuthError, status = 400): void {
  const headers: Record<string, string> = { ...NO_STORE };
  if (error === "invalid_client") headers["WWW-Authenticate"] = 'Basic realm="Doorkeeper", error="invalid_client"';
  sendJson(res, status, { error, error_description: DESCRIPTIONS[error] }, headers);
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined);

interface AuthorizeRequest { app: OAuthApplication; redirectUri: string; state?: string; scopes: string[]; challenge: string | null; method: "S256" | "plain" | null }

/** Validates authorize params. Client and redirect URI errors render a page; the rest redirect with `error`. */
function parseAuthorize(app: App, p: Params): { ok: AuthorizeRequest } | { page: string } | { redirectError: { uri: string; error: OAuthError; state?: string } } {
  const client = app.store.appsByUid.get(str(p.client_id) ?? "");
  if (!client) return { page: DESCRIPTIONS.invalid_client };
  const redirectUri = str(p.redirect_uri) ?? client.redirectUris[0] ?? "";
  if (!client.redirectUris.includes(redirectUri)) return { page: DESCRIPTIONS.invalid_redirect_uri };
  const state = str(p.state);
  const fail = (error: OAuthError): { redirectError: { uri: string; error: OAuthError; state?: string } } => ({ redirectError: { uri: redirectUri, error, state } });
  if (str(p.response_type) !== "code") return fail("unsupported_response_type");
  const scopes = (str(p.scope) ?? "api").split(/[\s+]+/).filter((s) => s !== "");
  if (scopes.length === 0 || !scopes.every((s) => client.scopes.includes(s))) return fail("invalid_scope");
  const challenge = str(p.code_challenge) ?? null;
  const rawMethod = str(p.code_challenge_method);
  if (challenge !== null && rawMethod !== undefined && rawMethod !== "S256" && rawMethod !== "plain") return fail("invalid_code_challenge_method");
  const method = challenge === null ? null : rawMethod === "S256" ? "S256" : "plain";
  return { ok: { app: client, redirectUri, state, scopes, challenge, method } };
}

function withParams(uri: string, params: Record<string, string | undefined>): string {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

function grantCode(app: App, a: AuthorizeRequest, user: User): string {
  const code = hex(32);
  app.store.grants.set(code, {
    code, appId: a.app.id, userId: user.id, redirectUri: a.redirectUri, scopes: a.scopes, codeChallenge: a.challenge,
    codeChallengeMethod: a.method, expiresAt: Date.now() + CODE_TTL_MS, used: false,
  });
  return code;
}

function hiddenFields(a: AuthorizeRequest, p: Params): Record<string, string> {
  const h: Record<string, string> = { client_id: a.app.uid, redirect_uri: a.redirectUri, response_type: "code", scope: a.scopes.join(" ") };
  if (a.state !== undefined) h.state = a.state;
  if (a.challenge !== null) h.code_challenge = a.challenge;
  const method = str(p.code_challenge_method);
  if (method !== undefined) h.code_challenge_method = method;
  return h;
}

/** Doorkeeper skips consent for trusted apps, and for confidential apps the user already authorized with these scopes. */
function skipConsent(app: App, a: AuthorizeRequest, user: User): boolean {
  if (a.app.trusted) return true;
  if (!a.app.confidential) return false;
  const wanted = [...a.scopes].sort().join(" ");
  for (const t of app.store.tokensByAccess.values()) {
    if (t.appId === a.app.id && t.userId === user.id && t.revokedAt === null && [...t.scopes].sort().join(" ") === wanted) return true;
  }
  return false;
}

export function handleAuthorize(app: App, req: IncomingMessage, res: ServerResponse, method: string, query: Params, form: Params): void {
  const params = method === "POST" ? { ...query, ...form } : query;
  const parsed = parseAuthorize(app, params);
  if ("page" in parsed) return sendHtml(res, 400, renderErrorPage(400, `An error has occurred: ${parsed.page}`));
  if ("redirectError" in parsed) {
    const e = parsed.redirectError;
    return redirect(res, withParams(e.uri, { error: e.error, error_description: DESCRIPTIONS[e.error], state: e.state }));
  }
  const a = parsed.ok;
  const user = sessionUser(app, req);
  if (!user) return redirect(res, signInUrl(req.url ?? "/oauth/authorize"));
  if (method === "POST") {
    if (str(form.decision) === "deny") {
      return redirect(res, withParams(a.redirectUri, { error: "access_denied", error_description: DESCRIPTIONS.access_denied, state: a.state }));
    }
    return redirect(res, withParams(a.redirectUri, { code: grantCode(app, a, user), state: a.state }));
  }
  if (skipConsent(app, a, user)) return redirect(res, withParams(a.redirectUri, { code: grantCode(app, a, user), state: a.state }));
  sendHtml(res, 200, renderConsentPage({
    action: "/oauth/authorize", hidden: hiddenFields(a, params), appName: a.app.name, scopes: a.scopes,
    user: { username: user.username, name: user.name },
  }));
}

function clientCredentials(req: IncomingMessage, p: Params): { id?: string; secret?: string } {
  const m = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? "");
  if (m?.[1]) {
    const decoded = Buffer.from(m[1], "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon > 0) return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  }
  return { id: str(p.client_id), secret: str(p.client_secret) };
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Confidential apps must authenticate with their secret; public apps (PKCE) may omit it. */
function authenticateClient(app: App, creds: { id?: string; secret?: string }): OAuthApplication | null {
  const client = creds.id ? app.store.appsByUid.get(creds.id) : undefined;
  if (!client) return null;
  if (creds.secret !== undefined) return safeEqual(creds.secret, client.secret) ? client : null;
  return client.confidential ? null : client;
}

function pkceMatches(challenge: string, method: "S256" | "plain" | null, verifier: string): boolean {
  const computed = method === "S256" ? createHash("sha256").update(verifier).digest("base64url") : verifier;
  return safeEqual(computed, challenge);
}

export function handleToken(app: App, req: IncomingMessage, res: ServerResponse, p: Params): void {
  const grantType = str(p.grant_type);
  if (!grantType) return tokenError(res, "invalid_request");
  if (grantType !== "authorization_code" && grantType !== "refresh_token") return tokenError(res, "unsupported_grant_type");
  const creds = clientCredentials(req, p);
  if (grantType === "authorization_code") {
    const code = str(p.code);
    if (!code) return tokenError(res, "invalid_request");
    const grant = app.store.grants.get(code);
    const verifier = str(p.code_verifier);
    // Doorkeeper lets a client skip its secret when the grant uses PKCE; otherwise confidential apps authenticate.
    const usesPkce = creds.secret === undefined && verifier !== undefined && grant?.codeChallenge != null;
    const client = usesPkce ? (creds.id ? app.store.appsByUid.get(creds.id) ?? null : null) : authenticateClient(app, creds);
    if (!client) return tokenError(res, "invalid_client", 401);
    if (!grant || grant.used || grant.expiresAt < Date.now() || grant.appId !== client.id) return tokenError(res, "invalid_grant");
    if (str(p.redirect_uri) !== grant.redirectUri) return tokenError(res, "invalid_grant");
    if (grant.codeChallenge !== null) {
      if (!verifier || !pkceMatches(grant.codeChallenge, grant.codeChallengeMethod, verifier)) return tokenError(res, "invalid_grant");
    }
    grant.used = true;
    const token = issueToken(app, client.id, grant.userId, grant.scopes);
    return sendJson(res, 200, tokenBody(token), NO_STORE);
  }
  const client = authenticateClient(app, creds);
  if (!client) return tokenError(res, "invalid_client", 401);
  const refresh = str(p.refresh_token);
  if (!refresh) return tokenError(res, "invalid_request");
  const old = app.store.tokensByRefresh.get(refresh);
  if (!old || old.revokedAt !== null || old.appId !== client.id) return tokenError(res, "invalid_grant");
  const requested = str(p.scope)?.split(/\s+/).filter((s) => s !== "");
  if (requested && !requested.every((s) => old.scopes.includes(s))) return tokenError(res, "invalid_scope");
  // Strict single use: the old pair dies now, the new pair replaces it.
  revokeToken(old);
  const token = issueToken(app, client.id, old.userId, requested ?? old.scopes);
  sendJson(res, 200, tokenBody(token), NO_STORE);
}

export function handleRevoke(app: App, req: IncomingMessage, res: ServerResponse, p: Params): void {
  const value = str(p.token);
  if (!value) return tokenError(res, "invalid_request");
  const creds = clientCredentials(req, p);
  const client = creds.id ? app.store.appsByUid.get(creds.id) : undefined;
  if (!client || (client.confidential && (creds.secret === undefined || !safeEqual(creds.secret, client.secret)))) return tokenError(res, "invalid_client", 401);
  const token = app.store.tokensByAccess.get(value) ?? app.store.tokensByRefresh.get(value);
  if (token && token.appId !== client.id) {
    return sendJson(res, 403, { error: "unauthorized_client", error_description: "You are not authorized to revoke this token" }, NO_STORE);
  }
  if (token) revokeToken(token);
  sendJson(res, 200, {}, NO_STORE);
}

function liveBearer(app: App, req: IncomingMessage, query: URLSearchParams): OAuthToken | null {
  const value = requestToken(req, query);
  const token = value ? app.store.tokensByAccess.get(value) : undefined;
  return token && token.revokedAt === null && !oauthTokenExpired(app, token) ? token : null;
}

export function handleTokenInfo(app: App, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): void {
  const token = liveBearer(app, req, query);
  if (!token) return sendJson(res, 401, { error: "invalid_token", error_description: "The access token is invalid", state: "unauthorized" }, { "WWW-Authenticate": 'Bearer realm="Doorkeeper", error="invalid_token"' });
  const client = app.store.apps.get(token.appId);
  const remaining = Math.max(0, Math.floor((token.createdAt + token.expiresInSeconds * 1000 - Date.now()) / 1000));
  sendJson(res, 200, {
    resource_owner_id: token.userId, scope: token.scopes, expires_in: remaining, application: { uid: client?.uid ?? null },
    created_at: Math.floor(token.createdAt / 1000), scopes: token.scopes, expires_in_seconds: remaining,
  });
}

export function handleUserInfo(app: App, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): void {
  const token = liveBearer(app, req, query);
  const user = token ? app.store.users.get(token.userId) : undefined;
  if (!token || !user) return sendJson(res, 401, { error: "invalid_token", error_description: "The access token is invalid" }, { "WWW-Authenticate": 'Bearer realm="Doorkeeper", error="invalid_token"' });
  if (!token.scopes.includes("openid")) {
    return sendJson(res, 403, { error: "insufficient_scope", error_description: "The request requires higher privileges than provided by the access token." });
  }
  const groups = [...app.store.groups.values()].filter((g) => g.members.has(user.id)).map((g) => g.fullPath);
  sendJson(res, 200, {
    sub: String(user.id), sub_legacy: createHash("sha256").update(`sandbox-${user.id}`).digest("hex"), name: user.name, nickname: user.username,
    preferred_username: user.username, email: user.email, email_verified: true, website: "", profile: userWebUrl(app, user),
    picture: gravatar(user.email), groups, groups_direct: groups,
  });
}
