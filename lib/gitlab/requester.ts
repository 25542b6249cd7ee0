import {
  createRequesterFn,
  GitbeakerRequestError,
  getMatchingRateLimiter,
  type FormattedResponse,
  type RateLimiters,
  type RequestOptions,
  type ResponseBodyTypes,
} from "@gitbeaker/requester-utils";
import { GitLabError, safeUrl, unreachable } from "./errors";

/**
 * A gitbeaker requester that makes exactly ONE attempt per call.
 *
 * Why: @gitbeaker/rest 43's default handler retries 429 and 502 up to 10 times with delays of
 * 0.25 ms·2^i (≈ 0.25 s in total) and ignores `Retry-After`. Against a rate-limited GitLab that
 * burns ten requests in a quarter second, and wrapped in our own retry loop it would multiply.
 * So gitbeaker never retries here; `withGitLab` (client.ts) owns retries and honours Retry-After.
 * Everything else mirrors gitbeaker's handler: the same options, client-side rate limiters, body
 * parsing, and GitbeakerRequestError with `cause: { description, request, response }` on failure.
 */

type HandlerOptions = RequestOptions & { rateLimiters?: RateLimiters };

async function processBody(response: Response): Promise<ResponseBodyTypes> {
  const contentType = (response.headers.get("content-type") ?? "").split(";")[0]?.trim() ?? "";
  if (contentType === "application/json") return response.json().then((v: unknown) => (v || {}) as ResponseBodyTypes);
  if (contentType.startsWith("text/")) return response.text();
  return response.blob();
}

/** GitLab's message for an error body; prefers OAuth's `error_description` over the bare code. */
export function describeErrorBody(text: string, contentType: string | null): string {
  if (!contentType?.includes("application/json")) return text;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === "object") {
      const o = parsed as Record<string, unknown>;
      const value = o.error_description ?? o.error ?? o.message ?? "";
      return typeof value === "string" ? value : JSON.stringify(value);
    }
  } catch {
    // fall through: a JSON content type with a non-JSON body
  }
  return text;
}

async function singleAttemptHandler(endpoint: string, rawOptions?: Record<string, unknown>): Promise<FormattedResponse> {
  const { rateLimiters, agent, asStream, prefixUrl, searchParams, method = "GET", ...init } = (rawOptions ?? {}) as HandlerOptions;
  const base = prefixUrl ? (prefixUrl.endsWith("/") ? prefixUrl : `${prefixUrl}/`) : undefined;
  const url = new URL(endpoint, base);
  url.search = searchParams ?? "";
  const request = new Request(url, { ...init, method } as RequestInit);
  await getMatchingRateLimiter(endpoint, rateLimiters, method)();
  let response: Response;
  try {
    // `dispatcher` is undici's per-request agent option, which the DOM RequestInit type lacks.
    response = await (agent ? fetch(request, { dispatcher: agent } as RequestInit) : fetch(request));
  } catch (err) {
    // Typed here rather than in toGitLabError because only here do we know which GitLab it was.
    const gitlabUrl = prefixUrl?.replace(/\/api\/v4\/?$/, "");
    if (err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError")) {
      throw new GitLabError("unreachable", `GitLab did not answer in time at ${safeUrl(gitlabUrl) ?? "the configured URL"}`, { method, cause: err });
    }
    throw unreachable(gitlabUrl, err, method);
  }
  if (response.ok) {
    const headers = Object.fromEntries(response.headers.entries());
    const body = asStream ? (response.body as ReadableStream) : response.status === 204 ? null : await processBody(response);
    return { body, headers, status: response.status };
  }
  const description = describeErrorBody(await response.text(), response.headers.get("content-type"));
  throw new GitbeakerRequestError(description, { cause: { description, request, response } });
}

/** Pass as `requesterFn` to any gitbeaker resource; the options handler is gitbeaker's own. */
export const singleAttemptRequesterFn = createRequesterFn((_, options) => Promise.resolve(options), singleAttemptHandler);
