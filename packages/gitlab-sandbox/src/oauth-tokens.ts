// OAuth token issuing, refresh rotation and revocation (doorkeeper semantics as GitLab configures
// them: 2 h access tokens, refresh tokens that work exactly once).
import type { App } from "./context";
import { hex } from "./format";
import type { OAuthToken } from "./store";

export function issueToken(app: App, appId: number, userId: number, scopes: string[]): OAuthToken {
  const token: OAuthToken = {
    id: app.store.nextId("token"), accessToken: hex(32), refreshToken: hex(32), appId, userId, scopes: [...scopes],
    createdAt: Date.now(), expiresInSeconds: app.config.accessTokenTtlSeconds, revokedAt: null, expiredOverride: false,
  };
  app.store.tokensByAccess.set(token.accessToken, token);
  app.store.tokensByRefresh.set(token.refreshToken, token);
  return token;
}

/** Body of a successful /oauth/token answer (doorkeeper's TokenResponse#body). */
export function tokenBody(t: OAuthToken): Record<string, unknown> {
  return {
    access_token: t.accessToken, token_type: "Bearer", expires_in: t.expiresInSeconds, refresh_token: t.refreshToken,
    scope: t.scopes.join(" "), created_at: Math.floor(t.createdAt / 1000),
  };
}

export function revokeToken(t: OAuthToken): void {
  if (t.revokedAt === null) t.revokedAt = Date.now();
}

/** Revokes every token a user holds (optionally for one application), like revoking the app in user settings. */
export function revokeUserTokens(app: App, userId: number, appId?: number): number {
  let n = 0;
  for (const t of app.store.tokensByAccess.values()) {
    if (t.userId !== userId || (appId !== undefined && t.appId !== appId) || t.revokedAt !== null) continue;
    revokeToken(t);
    n++;
  }
  return n;
}

/** Makes a user's live access tokens expired (their refresh tokens keep working). */
export function expireUserTokens(app: App, userId: number, appId?: number): number {
  let n = 0;
  for (const t of app.store.tokensByAccess.values()) {
    if (t.userId !== userId || (appId !== undefined && t.appId !== appId) || t.revokedAt !== null || t.expiredOverride) continue;
    t.expiredOverride = true;
    n++;
  }
  return n;
}
