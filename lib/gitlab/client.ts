import { AsyncLocalStorage } from "node:async_hooks";
import { Gitlab } from "@gitbeaker/rest";
import type { Database } from "@/db/client";
import { GitLabError, NeedsReauthError, isGitLabTransportError, toGitLabError } from "./errors";
import { singleAttemptRequesterFn } from "./requester";
import { markNeedsReauth } from "./queries";
import { getAccessToken, getGitLabCredentials, sameGitLab, type GetAccessTokenOptions, type OAuthConfigSource } from "./tokens";

/** The gitbeaker client type everything in lib/gitlab takes (snake_case bodies, camelize off). */
export type GitLabApi = InstanceType<typeof Gitlab<false>>;

export interface GitLabApiOptions {
  baseUrl: string;
  /** a token, or a function gitbeaker calls before every request */
  token: string | (() => Promise<string>);
  /** per-request timeout; gitbeaker's default is 300 s, far too long for a page load */
  timeoutMs?: number;
}

/**
 * A gitbeaker client authenticated with an OAuth token (`Authorization: Bearer`). It makes one
 * attempt per request (see requester.ts); run calls through `withGitLab` for typed errors and retries.
 */
export function gitlabApi({ baseUrl, token, timeoutMs = 30_000 }: GitLabApiOptions): GitLabApi {
  return new Gitlab({
    host: baseUrl.replace(/\/+$/, ""),
    oauthToken: token,
    requesterFn: singleAttemptRequesterFn,
    queryTimeout: timeoutMs,
    // gitbeaker's client-side limiters live per instance, and we build an instance per request, so
    // they would never limit anything; skipping them makes construction ~3x cheaper (≈0.5 ms).
    // GitLab's own 429 + Retry-After is what withGitLab honours.
    rateLimits: {},
  });
}

export interface WithGitLabOptions {
  /** retries after the first attempt (default 3) */
  maxRetries?: number;
  /** longest total time to spend waiting for Retry-After (default 60 s); beyond it we give up */
  maxWaitSeconds?: number;
  /** named in "unreachable" messages */
  baseUrl?: string;
  /** injectable for tests */
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const SAFE_TO_REPEAT = new Set(["GET", "HEAD"]);
const MAX_SERVER_ERROR_RETRIES = 2;

/**
 * Runs a GitLab call, mapping failures to GitLabError / NeedsReauthError (errors of the caller's own
 * code inside `fn` pass through unchanged).
 * - 429: waits `Retry-After` (or 1, 2, 4… s without one) and tries again, up to `maxRetries` and
 *   `maxWaitSeconds` in total. A 429 means GitLab did not process the request, so any method may
 *   be repeated. If the wait would exceed the budget we fail at once with `rate_limited`.
 * - 5xx: retried with a short backoff, at most twice, and only when the failed request was a GET or
 *   HEAD: a POST that timed out at a proxy may have been applied.
 * `fn` should be a single call or an idempotent sequence, since the whole of it is repeated.
 */
export async function withGitLab<T>(fn: () => Promise<T>, opts: WithGitLabOptions = {}): Promise<T> {
  // Query helpers (projects.ts, branches.ts) use withGitLab themselves; when a caller wraps them in
  // withGitLab again, only the outermost level retries, so retries never multiply.
  if (retryScope.getStore()) {
    try {
      return await fn();
    } catch (raw) {
      if (!isGitLabTransportError(raw)) throw raw;
      throw toGitLabError(raw, { baseUrl: opts.baseUrl });
    }
  }
  return retryScope.run(true, () => retrying(fn, opts));
}

const retryScope = new AsyncLocalStorage<true>();

async function retrying<T>(fn: () => Promise<T>, opts: WithGitLabOptions): Promise<T> {
  const maxRetries = opts.maxRetries ?? 3;
  const sleep = opts.sleep ?? defaultSleep;
  let waitedSeconds = 0;
  let serverRetries = 0;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (raw) {
      // The caller's own errors are neither retried nor relabelled as GitLab failures.
      if (!isGitLabTransportError(raw)) throw raw;
      const err = toGitLabError(raw, { baseUrl: opts.baseUrl });
      if (err instanceof NeedsReauthError || attempt >= maxRetries) throw err;
      if (err.kind === "rate_limited") {
        const wait = err.retryAfterSeconds ?? 2 ** attempt;
        if (waitedSeconds + wait > (opts.maxWaitSeconds ?? 60)) throw err;
        waitedSeconds += wait;
        await sleep(wait * 1000);
        continue;
      }
      if (err.kind === "server_error" && err.method && SAFE_TO_REPEAT.has(err.method) && serverRetries < MAX_SERVER_ERROR_RETRIES) {
        await sleep(250 * 2 ** serverRetries + Math.floor(Math.random() * 100));
        serverRetries++;
        continue;
      }
      throw err;
    }
  }
}

export interface UserGitLab {
  api: GitLabApi;
  baseUrl: string;
  token: string;
}

type UserTokenOptions = Omit<GetAccessTokenOptions, "oauth" | "rejectedToken">;

/**
 * A client for the signed-in user's GitLab connection, with a token valid right now. The client
 * talks to the GitLab that issued the token; if the app is now configured for another one, this
 * throws NeedsReauthError instead of sending the token there.
 */
export async function gitlabForUser(db: Database, userId: string, oauth: OAuthConfigSource, opts: UserTokenOptions = {}): Promise<UserGitLab> {
  const { token, baseUrl, connectionId } = await getGitLabCredentials(db, userId, { ...opts, oauth });
  const config = typeof oauth === "function" ? await oauth() : oauth;
  if (!sameGitLab(config.baseUrl, baseUrl)) throw new NeedsReauthError(connectionId, `connected to ${baseUrl}, but the app now uses ${config.baseUrl}`);
  return { api: gitlabApi({ baseUrl, token }), baseUrl, token };
}

/**
 * `withGitLab` for a user's connection. If GitLab answers 401 for the token (expired early, or
 * rotated by another process), the token is reported as rejected: tokens.ts refreshes it under the
 * row lock, or marks the connection `needs_reauth` when GitLab refuses the refresh (then this
 * throws NeedsReauthError). The call is repeated once with the new token; there is no loop.
 */
export async function withUserGitLab<T>(
  db: Database,
  userId: string,
  oauth: OAuthConfigSource,
  fn: (api: GitLabApi) => Promise<T>,
  opts: WithGitLabOptions & UserTokenOptions = {},
): Promise<T> {
  const { api, baseUrl, token } = await gitlabForUser(db, userId, oauth, opts);
  try {
    return await withGitLab(() => fn(api), { ...opts, baseUrl });
  } catch (err) {
    // GitLab answers 401 only for authentication problems (expired, revoked or unknown token).
    if (!(err instanceof GitLabError) || err.kind !== "unauthorized") throw err;
  }
  const fresh = await getAccessToken(db, userId, { ...opts, oauth, rejectedToken: token });
  try {
    return await withGitLab(() => fn(gitlabApi({ baseUrl, token: fresh })), { ...opts, baseUrl });
  } catch (err) {
    if (err instanceof GitLabError && err.kind === "unauthorized" && err.tokenProblem === "revoked") {
      // A token we obtained a moment ago is already revoked: the authorisation itself is gone.
      const reason = "GitLab revoked the access token";
      throw new NeedsReauthError(await markNeedsReauth(db, { userId }, reason), reason);
    }
    throw err;
  }
}
