import { z } from "zod";
import { GitLabError, NeedsReauthError } from "@/lib/gitlab/errors";

/** An error with a stable code and HTTP status, rendered as `{ error: { code, message } }`. */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "AppError";
  }
}

const gitlabStatus: Record<GitLabError["kind"], number> = {
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  rate_limited: 429,
  server_error: 502,
  bad_request: 400,
  conflict: 409,
  unreachable: 502,
};

/** Map anything thrown by lib/ to an AppError; unknown errors become a 500 without internals. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof NeedsReauthError) return new AppError("needs_reauth", 401, "Your GitLab connection has expired or was revoked. Reconnect GitLab to continue.");
  if (err instanceof GitLabError) {
    const headers = err.retryAfterSeconds ? { "retry-after": String(err.retryAfterSeconds) } : undefined;
    return new AppError(`gitlab_${err.kind}`, gitlabStatus[err.kind], err.message, undefined, headers);
  }
  if (err instanceof z.ZodError) {
    return new AppError("validation_failed", 422, err.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "), z.flattenError(err).fieldErrors);
  }
  return new AppError("internal_error", 500, "Something went wrong on our side. Please try again.");
}

export function errorResponse(err: AppError): Response {
  return Response.json(
    { error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } },
    { status: err.status, headers: err.headers },
  );
}
