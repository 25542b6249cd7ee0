import { GitbeakerRequestError, GitbeakerRetryError, GitbeakerTimeoutError } from "@gitbeaker/rest";
import { z } from "zod";

/**
 * Typed GitLab failures. Everything that talks to GitLab throws one of these, so callers switch on
 * `kind` instead of parsing gitbeaker's errors or HTTP statuses. Messages are written for people and
 * never contain tokens: we build them from the status, GitLab's own message and the instance origin.
 */
export type GitLabErrorKind =
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "rate_limited"
  | "server_error"
  | "bad_request"
  | "conflict"
  | "unreachable";

/** Why GitLab refused an OAuth token (from the `invalid_token` body or `WWW-Authenticate`). */
export type TokenProblem = "expired" | "revoked" | "invalid";

export interface GitLabErrorDetails {
  status?: number;
  retryAfterSeconds?: number;
  gitlabMessage?: string;
  /** HTTP method of the failed request, when known; retries of 5xx are only safe for GET/HEAD. */
  method?: string;
  tokenProblem?: TokenProblem;
  cause?: unknown;
}

export class GitLabError extends Error {
  override name = "GitLabError";
  readonly kind: GitLabErrorKind;
  readonly status?: number;
  readonly retryAfterSeconds?: number;
  readonly gitlabMessage?: string;
  readonly method?: string;
  readonly tokenProblem?: TokenProblem;

  constructor(kind: GitLabErrorKind, message: string, details: GitLabErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = kind;
    this.status = details.status;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.gitlabMessage = details.gitlabMessage;
    this.method = details.method;
    this.tokenProblem = details.tokenProblem;
  }
}

/**
 * The user's GitLab connection must be authorised again (refresh token revoked, reused or missing,
 * or no connection at all). The UI answers this with "Reconnect GitLab"; retrying cannot help.
 */
export class NeedsReauthError extends Error {
  override name = "NeedsReauthError";
  constructor(
    readonly connectionId: string | null,
    readonly reason: string,
  ) {
    super(`GitLab needs to be reconnected: ${reason}`);
  }
}

export interface ErrorContext {
  /** GitLab base URL, named in "unreachable" messages when the error does not carry the URL */
  baseUrl?: string;
}

/** Origin plus path of a URL, without query or credentials, safe to show and log. */
export function safeUrl(url: string | URL | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname === "/" ? "" : u.pathname.replace(/\/+$/, "")}`;
  } catch {
    return undefined;
  }
}

/** `Retry-After` as seconds (integer or HTTP date), else GitLab's `RateLimit-Reset` epoch. */
export function parseRetryAfter(headers: Headers, now = Date.now()): number | undefined {
  const raw = headers.get("retry-after")?.trim();
  if (raw) {
    if (/^\d+$/.test(raw)) return Number(raw);
    const at = Date.parse(raw);
    if (!Number.isNaN(at)) return Math.max(0, Math.ceil((at - now) / 1000));
  }
  const reset = headers.get("ratelimit-reset")?.trim();
  if (reset && /^\d+$/.test(reset)) return Math.max(0, Number(reset) - Math.floor(now / 1000));
  return undefined;
}

function tokenProblemOf(headers: Headers | undefined, text: string): TokenProblem | undefined {
  const haystack = `${headers?.get("www-authenticate") ?? ""} ${text}`;
  if (/token (is|has) expired/i.test(haystack)) return "expired";
  if (/revoked/i.test(haystack)) return "revoked";
  if (/invalid_token/i.test(haystack)) return "invalid";
  return undefined;
}

/** GitLab's messages are short; cap them so an HTML error page does not become the message. */
function clip(text: string | undefined): string | undefined {
  const t = text?.replace(/\s+/g, " ").trim();
  if (!t) return undefined;
  if (/^<(!doctype|html)/i.test(t)) return undefined;
  return t.length > 300 ? `${t.slice(0, 297)}…` : t;
}

function kindForStatus(status: number): GitLabErrorKind {
  if (status === 401) return "unauthorized";
  if (status === 403) return "forbidden";
  if (status === 404) return "not_found";
  if (status === 409) return "conflict";
  if (status === 429) return "rate_limited";
  if (status >= 500) return "server_error";
  return "bad_request";
}

function messageFor(kind: GitLabErrorKind, status: number, gitlabMessage: string | undefined, retryAfter: number | undefined, problem: TokenProblem | undefined): string {
  const suffix = gitlabMessage ? `: ${gitlabMessage}` : "";
  switch (kind) {
    case "unauthorized":
      if (problem === "expired") return "GitLab rejected the access token: it has expired";
      if (problem === "revoked") return "GitLab rejected the access token: it was revoked";
      return `GitLab rejected the credentials (401)${suffix}`;
    case "forbidden":
      return `GitLab refused the request (403)${suffix}`;
    case "not_found":
      return `Not found on GitLab (404)${suffix}`;
    case "conflict":
      return `GitLab reported a conflict (409)${suffix}`;
    case "rate_limited":
      return retryAfter !== undefined ? `GitLab rate limit hit; retry in ${retryAfter} s` : "GitLab rate limit hit; retry later";
    case "server_error":
      return `GitLab had a server error (${status})${suffix}`;
    default:
      return `GitLab rejected the request (${status})${suffix}`;
  }
}

/** Builds the typed error for a non-2xx GitLab response whose body text was already read. */
export function errorFromResponse(status: number, headers: Headers, bodyText: string | undefined, method?: string): GitLabError {
  const kind = kindForStatus(status);
  const gitlabMessage = clip(bodyText);
  const retryAfterSeconds = kind === "rate_limited" ? parseRetryAfter(headers) : undefined;
  const tokenProblem = kind === "unauthorized" ? tokenProblemOf(headers, bodyText ?? "") : undefined;
  return new GitLabError(kind, messageFor(kind, status, gitlabMessage, retryAfterSeconds, tokenProblem), {
    status,
    retryAfterSeconds,
    gitlabMessage,
    method: method?.toUpperCase(),
    tokenProblem,
  });
}

const networkCauseSchema = z.object({ code: z.string().optional(), message: z.string().optional() }).loose();

/** ECONNREFUSED, ENOTFOUND, certificate errors…: the most specific reason found on the cause chain. */
function networkReason(err: unknown): string {
  let current: unknown = err;
  let deepestMessage = err instanceof Error ? err.message : String(err);
  for (let depth = 0; depth < 5 && current; depth++) {
    const parsed = networkCauseSchema.safeParse(current);
    if (parsed.success && parsed.data.code) return parsed.data.code;
    if (current instanceof Error && current.message) deepestMessage = current.message;
    current = current instanceof Error ? current.cause : undefined;
  }
  return deepestMessage;
}

export function unreachable(baseUrl: string | undefined, err: unknown, method?: string): GitLabError {
  const where = safeUrl(baseUrl) ?? "the configured URL";
  return new GitLabError("unreachable", `GitLab is unreachable at ${where}: ${networkReason(err)}`, { method, cause: err });
}

const requestCauseSchema = z.object({
  description: z.unknown().optional(),
  request: z.instanceof(Request).optional(),
  response: z.instanceof(Response).optional(),
});

/**
 * Maps anything thrown while talking to GitLab to a GitLabError (NeedsReauthError and GitLabError
 * pass through unchanged). Understands gitbeaker's GitbeakerRequestError (`cause.response`,
 * `cause.description`), its retry and timeout errors, and fetch's network failures.
 */
export function toGitLabError(err: unknown, context: ErrorContext = {}): GitLabError | NeedsReauthError {
  if (err instanceof GitLabError || err instanceof NeedsReauthError) return err;
  if (err instanceof GitbeakerRequestError) {
    const cause = requestCauseSchema.safeParse(err.cause);
    const response = cause.success ? cause.data.response : undefined;
    const request = cause.success ? cause.data.request : undefined;
    const description = cause.success && typeof cause.data.description === "string" ? cause.data.description : err.message;
    if (response) return errorFromResponse(response.status, response.headers, description, request?.method);
    return new GitLabError("bad_request", `GitLab request failed${description ? `: ${clip(description)}` : ""}`, { cause: err });
  }
  if (err instanceof GitbeakerTimeoutError || (err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError"))) {
    return new GitLabError("unreachable", `GitLab did not answer in time at ${safeUrl(context.baseUrl) ?? "the configured URL"}`, { cause: err });
  }
  if (err instanceof GitbeakerRetryError) {
    const status = Number(/last status code: (\d{3})/.exec(err.message)?.[1] ?? 0);
    if (status === 429) return new GitLabError("rate_limited", "GitLab rate limit hit; retry later", { status, cause: err });
    return new GitLabError("server_error", `GitLab kept failing (${status || "unknown status"})`, { status: status || undefined, cause: err });
  }
  // undici's fetch rejects with TypeError("fetch failed") whose cause carries the socket error code.
  if (err instanceof TypeError) return unreachable(context.baseUrl, err);
  return new GitLabError("server_error", `Unexpected error talking to GitLab: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}

/**
 * Whether an error came from talking to GitLab (HTTP answers, network, timeouts, an answer we could
 * not parse) rather than from the caller's own code run inside a GitLab call. withGitLab maps the
 * first kind and lets the second through untouched, so a caller's verdict (say, "repository not
 * found" as a 404 of the app's own API) is not turned into "unexpected error talking to GitLab".
 */
export function isGitLabTransportError(err: unknown): boolean {
  return (
    err instanceof GitLabError ||
    err instanceof NeedsReauthError ||
    err instanceof GitbeakerRequestError ||
    err instanceof GitbeakerTimeoutError ||
    err instanceof GitbeakerRetryError ||
    err instanceof TypeError ||
    err instanceof z.ZodError ||
    !(err instanceof Error) ||
    err.name === "TimeoutError" ||
    err.name === "AbortError"
  );
}

/** True for errors that mean "ask the user to reconnect GitLab". */
export function isNeedsReauth(err: unknown): err is NeedsReauthError {
  return err instanceof NeedsReauthError;
}
