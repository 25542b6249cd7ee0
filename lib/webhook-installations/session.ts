import type { Database } from "@/db/client";
import type { CipherKit } from "@/lib/crypto";
import { gitlabApi, withGitLab, type GitLabApi } from "@/lib/gitlab/client";
import { GitLabError, NeedsReauthError } from "@/lib/gitlab/errors";
import { getConnectionSummary } from "@/lib/gitlab/queries";
import { getAccessToken, type OAuthConfigSource } from "@/lib/gitlab/tokens";
import { RateGate } from "./pacing";

/**
 * The user's GitLab, as the webhook manager uses it: one token for the whole sweep (refreshed once
 * if GitLab rejects it), one shared rate-limit gate, and `withGitLab`'s retries around each call.
 */
export interface HookSession {
  userId: string;
  /** normalised instance URL; installation rows are keyed by it */
  baseUrl: string;
  gitlabUserId: number;
  username: string;
  call<T>(fn: (api: GitLabApi) => Promise<T>): Promise<T>;
}

export interface OpenSessionOptions {
  oauth: OAuthConfigSource;
  gate?: RateGate;
  /** passed to withGitLab; tests use a short budget */
  maxWaitSeconds?: number;
  /** token decryption; defaults to the app's (ENCRYPTION_KEY) */
  cipher?: CipherKit;
}

export const normalizeBaseUrl = (url: string): string => url.trim().replace(/\/+$/, "");

export async function openHookSession(db: Database, userId: string, opts: OpenSessionOptions): Promise<HookSession> {
  const connection = await getConnectionSummary(db, userId);
  if (!connection) throw new NeedsReauthError(null, "GitLab is not connected");
  const config = typeof opts.oauth === "function" ? await opts.oauth() : opts.oauth;
  const baseUrl = normalizeBaseUrl(config.baseUrl);
  if (normalizeBaseUrl(connection.baseUrl).toLowerCase() !== baseUrl.toLowerCase()) {
    throw new NeedsReauthError(connection.id, `connected to ${connection.baseUrl}, but the app now uses ${baseUrl}`);
  }
  const oauth = opts.oauth;
  const gate = opts.gate ?? new RateGate();
  const cipher = opts.cipher;
  let token = await getAccessToken(db, userId, { oauth, cipher });
  let api = gitlabApi({ baseUrl, token });
  let refreshing: Promise<void> | null = null;

  const refresh = (rejected: string): Promise<void> => {
    // Many calls may see the same 401 at once; one refresh serves them all.
    refreshing ??= (async () => {
      token = await getAccessToken(db, userId, { oauth, cipher, rejectedToken: rejected });
      api = gitlabApi({ baseUrl, token });
    })().finally(() => {
      refreshing = null;
    });
    return refreshing;
  };

  async function call<T>(fn: (api: GitLabApi) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      await gate.ready();
      const usedToken = token;
      const usedApi = api;
      try {
        return await withGitLab(() => fn(usedApi), { baseUrl, maxWaitSeconds: opts.maxWaitSeconds, sleep: (ms) => gate.pause(ms) });
      } catch (err) {
        if (attempt === 0 && err instanceof GitLabError && err.kind === "unauthorized") {
          if (token === usedToken) await refresh(usedToken);
          continue;
        }
        throw err;
      }
    }
  }

  return { userId, baseUrl, gitlabUserId: connection.gitlabUserId, username: connection.username, call };
}
