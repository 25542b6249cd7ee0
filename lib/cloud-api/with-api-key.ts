import { getDb } from "@/db";
import type { Database, DbHandle } from "@/db/client";
import type { ApiKey, User } from "@/db/schema";
import { authenticateApiKey, bearerToken } from "@/lib/api-keys/authenticate";
import { getEnv } from "@/lib/env";
import { AppError, errorResponse, toAppError } from "@/lib/http/app-error";
import { log } from "@/lib/log";
import { processRateLimiter, type RateLimitDecision } from "./rate-limit";

export interface ApiKeyContext {
  db: Database;
  /** the database handle, for what needs more than queries (the event stream's LISTEN) */
  handle: DbHandle;
  /** the key's owner: every query below is scoped to this user */
  user: User;
  apiKey: ApiKey;
}

type Handler<C> = (req: Request, ctx: C & ApiKeyContext) => Promise<Response>;

/**
 * The one wrapper for Cloud API route handlers:
 * 1. authenticate `Authorization: Bearer ohk_…` (401 with a code for missing, invalid, revoked, expired);
 * 2. charge the key's rate limit (429 with `Retry-After`);
 * 3. run the handler as the key's owner;
 * 4. render anything thrown as `{ error: { code, message } }` (zod → 422 with field details).
 */
export function withApiKey<C extends { params: Promise<Record<string, string>> }>(handler: Handler<C>) {
  return async (req: Request, ctx: C): Promise<Response> => {
    let decision: RateLimitDecision | undefined;
    try {
      const handle = await getDb();
      const { db } = handle;
      const { key, user } = await authenticateApiKey(db, bearerToken(req));
      decision = processRateLimiter(getEnv().API_RATE_LIMIT_PER_MINUTE).consume(key.id);
      if (!decision.allowed) {
        throw new AppError(
          "rate_limited",
          429,
          `Too many requests for this API key (limit ${decision.limit} per minute). Retry in ${decision.retryAfterSeconds} s.`,
          undefined,
          { "retry-after": String(decision.retryAfterSeconds) },
        );
      }
      return withRateHeaders(await handler(req, { ...ctx, db, handle, user, apiKey: key }), decision);
    } catch (err) {
      const appError = toApiError(err);
      if (appError.status >= 500) log.error("api route failed", { path: new URL(req.url).pathname, err });
      return withRateHeaders(errorResponse(appError), decision);
    }
  };
}

/**
 * The shared mapping, with one change for API callers: "the owner must reconnect GitLab" is not a
 * problem with the API key, so it is a 403 rather than the 401 a browser session gets.
 */
export function toApiError(err: unknown): AppError {
  const e = toAppError(err);
  if (e.code === "needs_reauth") {
    return new AppError("gitlab_reconnect_required", 403, "The key owner's GitLab connection has expired or was revoked. Sign in to the app and reconnect GitLab, then retry.");
  }
  return e;
}

/** Tells scripts their budget (IETF RateLimit header fields) so they can pace themselves. */
function withRateHeaders(res: Response, decision: RateLimitDecision | undefined): Response {
  if (!decision) return res;
  try {
    res.headers.set("ratelimit-limit", String(decision.limit));
    res.headers.set("ratelimit-remaining", String(decision.remaining));
  } catch {
    // Immutable headers (a proxied or redirect response): the budget is informational only.
  }
  return res;
}
