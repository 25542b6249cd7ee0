import { z } from "zod";
import { GitLabError, errorFromResponse, safeUrl, unreachable } from "./errors";

/** What the token endpoint needs. `redirectUri` must equal the one used when authorising. */
export interface GitLabOAuthConfig {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

/** A token pair as GitLab issued it. `expiresInSeconds` is null for (legacy) non-expiring tokens. */
export interface OAuthTokenSet {
  accessToken: string;
  refreshToken: string;
  expiresInSeconds: number | null;
  /** null when GitLab left `scope` out (the docs' examples do; doorkeeper usually sends it) */
  scopes: string[] | null;
}

/**
 * GitLab refused the refresh token (`invalid_grant`): it was revoked, already used (refresh tokens
 * are single-use) or issued for another redirect URI / application. Only re-authorisation helps.
 */
export class RefreshRejectedError extends Error {
  override name = "RefreshRejectedError";
  constructor(
    readonly error: string,
    readonly description: string | undefined,
  ) {
    super(`GitLab rejected the refresh token (${error})${description ? `: ${description}` : ""}`);
  }
}

// Doorkeeper returns "Bearer"; GitLab's docs show "bearer". Only the fields we use are required.
export const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().refine((t) => t.toLowerCase() === "bearer", "token_type must be bearer"),
  refresh_token: z.string().min(1),
  expires_in: z.number().int().positive().nullish(),
  scope: z.string().nullish(),
  created_at: z.number().nullish(),
});

const oauthErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() });

/** Parses a token endpoint success body; throws a GitLabError (never echoing the body) when malformed. */
export function parseTokenResponse(body: unknown): OAuthTokenSet {
  const parsed = tokenResponseSchema.safeParse(body);
  if (!parsed.success) {
    // Name the offending fields only: the body holds tokens.
    const fields = [...new Set(parsed.error.issues.map((i) => String(i.path[0] ?? "body")))].join(", ");
    throw new GitLabError("server_error", `GitLab's token endpoint returned an unexpected response (bad ${fields})`);
  }
  const d = parsed.data;
  return {
    accessToken: d.access_token,
    refreshToken: d.refresh_token,
    expiresInSeconds: d.expires_in ?? null,
    scopes: d.scope ? d.scope.split(/\s+/).filter(Boolean) : null,
  };
}

export interface RefreshOptions {
  /** Bounded so a hung GitLab cannot hold the connection's row lock for long. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * Exchanges a refresh token for a new pair (`POST {baseUrl}/oauth/token`, form-encoded). GitLab
 * invalidates the presented refresh token, so the caller must persist the result before anyone
 * else can use the old one; see tokens.ts. Never retried here: a retry after an ambiguous failure
 * would present an already-spent token.
 */
export async function refreshAccessToken(config: GitLabOAuthConfig, refreshToken: string, options: RefreshOptions = {}): Promise<OAuthTokenSet> {
  const url = `${config.baseUrl.replace(/\/+$/, "")}/oauth/token`;
  const form = new URLSearchParams({
    grant_type: "refresh_token",
    refresh_token: refreshToken,
    client_id: config.clientId,
    client_secret: config.clientSecret,
    redirect_uri: config.redirectUri,
  });
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      body: form,
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
      redirect: "manual",
    });
  } catch (err) {
    if (err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError")) {
      throw new GitLabError("unreachable", `GitLab did not answer the token refresh in time at ${safeUrl(config.baseUrl)}`, { method: "POST", cause: err });
    }
    throw unreachable(config.baseUrl, err, "POST");
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (response.ok) return parseTokenResponse(json);

  const oauthError = oauthErrorSchema.safeParse(json);
  if (oauthError.success && oauthError.data.error === "invalid_grant") {
    throw new RefreshRejectedError(oauthError.data.error, oauthError.data.error_description);
  }
  if (oauthError.success && oauthError.data.error === "invalid_client") {
    // The app's credentials are wrong; the user's connection is fine, so this is not a re-auth case.
    throw new GitLabError("unauthorized", "GitLab rejected the OAuth application's credentials (invalid_client); check GITLAB_CLIENT_ID and GITLAB_CLIENT_SECRET", {
      status: response.status,
      gitlabMessage: oauthError.data.error_description,
      method: "POST",
    });
  }
  const message = oauthError.success ? [oauthError.data.error, oauthError.data.error_description].filter(Boolean).join(": ") : text;
  throw errorFromResponse(response.status, response.headers, message, "POST");
}
