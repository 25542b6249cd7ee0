import type { Database } from "@/db/client";
import type { GitlabConnection } from "@/db/schema";
import { appCipher, type CipherKit } from "@/lib/crypto";
import { log } from "@/lib/log";
import { GitLabError, NeedsReauthError } from "./errors";
import { RefreshRejectedError, refreshAccessToken, type GitLabOAuthConfig } from "./oauth";
import { getConnection, lockConnection, markNeedsReauth, saveRefreshedConnection, upsertConnection } from "./queries";

/**
 * The one place GitLab tokens come from. Refresh tokens are single-use: whoever refreshes second
 * with the same token gets `invalid_grant` and the connection is lost. So refreshing happens only
 * while holding `SELECT … FOR UPDATE` on the connection row, and the row is re-read after the lock
 * is granted: if another process rotated the pair meanwhile, we use its result instead of calling
 * GitLab. Tokens are stored as AES-GCM envelopes whose AAD names the user and column, so a value
 * copied into another row or column does not decrypt.
 */

export type OAuthConfigSource = GitLabOAuthConfig | (() => Promise<GitLabOAuthConfig>);

interface CipherOption {
  /** defaults to appCipher() (ENCRYPTION_KEY); tests pass their own */
  cipher?: CipherKit;
}

export interface SaveConnectionInput {
  userId: string;
  baseUrl: string;
  gitlabUserId: number;
  username: string;
  accessToken: string;
  refreshToken: string | null;
  expiresAt: Date | null;
  scopes: string[] | string;
}

export interface GetAccessTokenOptions extends CipherOption {
  oauth: OAuthConfigSource;
  /** refresh when the token expires within this many seconds (default 300) */
  marginSeconds?: number;
  /**
   * A token GitLab just answered 401 for. Forces a refresh, unless another caller has already
   * replaced that token, in which case the replacement is returned without calling GitLab.
   */
  rejectedToken?: string;
  /** passed to refreshAccessToken (tests) */
  fetch?: typeof fetch;
}

const aad = (userId: string, column: "access_token" | "refresh_token") => `gitlab_connections:${userId}:${column}`;
const normalizeUrl = (url: string) => url.trim().replace(/\/+$/, "").toLowerCase();

/** True when two base URLs name the same GitLab (tokens of one must never be sent to the other). */
export const sameGitLab = (a: string, b: string): boolean => normalizeUrl(a) === normalizeUrl(b);

/** A valid token together with the GitLab it is valid for. */
export interface GitLabCredentials {
  token: string;
  baseUrl: string;
  connectionId: string;
}

/** Creates or replaces the user's connection (a fresh sign-in), tokens encrypted, status active. */
export async function saveConnection(db: Database, input: SaveConnectionInput, opts: CipherOption = {}): Promise<{ id: string }> {
  const cipher = opts.cipher ?? appCipher();
  const scopes = Array.isArray(input.scopes) ? input.scopes.join(" ") : input.scopes.trim();
  const values = {
    baseUrl: input.baseUrl.replace(/\/+$/, ""),
    gitlabUserId: input.gitlabUserId,
    username: input.username,
    accessTokenEnc: cipher.encrypt(input.accessToken, aad(input.userId, "access_token")),
    refreshTokenEnc: input.refreshToken === null ? null : cipher.encrypt(input.refreshToken, aad(input.userId, "refresh_token")),
    expiresAt: input.expiresAt,
    scopes,
    status: "active" as const,
    lastError: null,
    updatedAt: new Date(),
  };
  // A new sign-in replaces the pair and bumps the generation (see upsertConnection).
  return upsertConnection(db, input.userId, values);
}

function isFresh(row: Pick<GitlabConnection, "expiresAt">, marginSeconds: number, now: number): boolean {
  return row.expiresAt === null || row.expiresAt.getTime() - now > marginSeconds * 1000;
}

function reauthFor(row: Pick<GitlabConnection, "id" | "lastError">): NeedsReauthError {
  return new NeedsReauthError(row.id, row.lastError ?? "the GitLab authorisation is no longer valid");
}

// In-process coalescing: callers of one process that need a refresh at the same moment share one
// locked transaction instead of queueing for the row lock (and for pool connections). Keyed per
// Database object so that separate handles still race through the lock, as separate processes do.
const inflight = new WeakMap<object, Map<string, Promise<string>>>();

/**
 * A valid access token for the user, refreshed first when it expires within the margin. Throws
 * NeedsReauthError when the connection is missing or must be re-authorised, GitLabError when GitLab
 * cannot be reached for a needed refresh.
 */
export async function getAccessToken(db: Database, userId: string, opts: GetAccessTokenOptions): Promise<string> {
  return (await getGitLabCredentials(db, userId, opts)).token;
}

/** getAccessToken, plus the base URL of the GitLab that issued the token and the connection id. */
export async function getGitLabCredentials(db: Database, userId: string, opts: GetAccessTokenOptions): Promise<GitLabCredentials> {
  const cipher = opts.cipher ?? appCipher();
  const marginSeconds = opts.marginSeconds ?? 300;
  // Fast path: no lock, no transaction.
  const row = await getConnection(db, userId);
  if (!row) throw new NeedsReauthError(null, "GitLab is not connected");
  if (row.status === "needs_reauth") throw reauthFor(row);
  const credentials = (token: string): GitLabCredentials => ({ token, baseUrl: row.baseUrl, connectionId: row.id });
  if (!opts.rejectedToken && isFresh(row, marginSeconds, Date.now())) return credentials(cipher.decrypt(row.accessTokenEnc, aad(userId, "access_token")));
  if (opts.rejectedToken) return credentials(await refreshUnderLock(db, row.id, userId, cipher, marginSeconds, opts));

  let perDb = inflight.get(db);
  if (!perDb) inflight.set(db, (perDb = new Map()));
  let pending = perDb.get(userId);
  if (!pending) {
    const map = perDb;
    pending = refreshUnderLock(db, row.id, userId, cipher, marginSeconds, opts).finally(() => map.delete(userId));
    perDb.set(userId, pending);
  }
  return credentials(await pending);
}

type LockedOutcome = { token: string } | { reauth: NeedsReauthError };

async function refreshUnderLock(db: Database, connectionId: string, userId: string, cipher: CipherKit, marginSeconds: number, opts: GetAccessTokenOptions): Promise<string> {
  const outcome = await db.transaction(async (tx): Promise<LockedOutcome> => {
    // Blocks while another transaction refreshes this connection; afterwards we see its result.
    const row = await lockConnection(tx, connectionId);
    if (!row) return { reauth: new NeedsReauthError(null, "GitLab is not connected") };
    if (row.status === "needs_reauth") return { reauth: reauthFor(row) };
    const current = cipher.decrypt(row.accessTokenEnc, aad(userId, "access_token"));
    if (current !== opts.rejectedToken && isFresh(row, marginSeconds, Date.now())) return { token: current };

    const markAndFail = async (reason: string): Promise<LockedOutcome> => {
      await markNeedsReauth(tx, { connectionId: row.id }, reason);
      return { reauth: new NeedsReauthError(row.id, reason) };
    };
    if (!row.refreshTokenEnc) return markAndFail("the access token expired and GitLab issued no refresh token");

    const config = typeof opts.oauth === "function" ? await opts.oauth() : opts.oauth;
    if (!sameGitLab(config.baseUrl, row.baseUrl)) {
      // Never send a refresh token to a different GitLab than the one that issued it. Not persisted:
      // it is a configuration change, and reverting it should bring the connection back.
      return { reauth: new NeedsReauthError(row.id, `connected to ${row.baseUrl}, but the app now uses ${config.baseUrl}`) };
    }
    const refreshToken = cipher.decrypt(row.refreshTokenEnc, aad(userId, "refresh_token"));
    const startedAt = Date.now();
    let tokens;
    try {
      tokens = await refreshAccessToken(config, refreshToken, { fetch: opts.fetch });
    } catch (err) {
      if (err instanceof RefreshRejectedError) return markAndFail(err.message);
      // GitLab is down or slow: the old token may still work for a while, so keep serving it.
      if (err instanceof GitLabError && current !== opts.rejectedToken && row.expiresAt && row.expiresAt.getTime() > Date.now()) {
        log.warn("gitlab token refresh failed; using the current token until it expires", { connectionId: row.id, error: err.message });
        return { token: current };
      }
      throw err;
    }
    await saveRefreshedConnection(tx, row.id, {
      accessTokenEnc: cipher.encrypt(tokens.accessToken, aad(userId, "access_token")),
      refreshTokenEnc: cipher.encrypt(tokens.refreshToken, aad(userId, "refresh_token")),
      // Measured from before the request, so we err on the early side.
      expiresAt: tokens.expiresInSeconds === null ? null : new Date(startedAt + tokens.expiresInSeconds * 1000),
      ...(tokens.scopes ? { scopes: tokens.scopes.join(" ") } : {}),
      refreshGeneration: row.refreshGeneration + 1,
    });
    log.info("gitlab token refreshed", { connectionId: row.id, generation: row.refreshGeneration + 1 });
    return { token: tokens.accessToken };
  });
  // Thrown after commit, so the needs_reauth mark is persisted rather than rolled back.
  if ("reauth" in outcome) throw outcome.reauth;
  return outcome.token;
}
