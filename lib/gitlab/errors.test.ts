import { GitbeakerRequestError, GitbeakerRetryError, GitbeakerTimeoutError } from "@gitbeaker/rest";
import { describe, expect, it } from "vitest";
import { GitLabError, NeedsReauthError, parseRetryAfter, toGitLabError } from "./errors";
import { closedPortUrl } from "./testing/stub-server";

/** A GitbeakerRequestError exactly as gitbeaker builds it: body already read into `description`. */
function requestError(status: number, body: unknown, headers: Record<string, string> = {}, method = "GET"): GitbeakerRequestError {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const contentType = typeof body === "string" ? "text/plain" : "application/json";
  const response = new Response(text, { status, headers: { "content-type": contentType, ...headers } });
  const request = new Request("https://gitlab.example.com/api/v4/projects/1", { method });
  const parsed = typeof body === "object" && body ? (body as Record<string, unknown>) : {};
  const raw = parsed.error ?? parsed.message ?? text;
  const description = typeof raw === "string" ? raw : JSON.stringify(raw);
  return new GitbeakerRequestError(description, { cause: { description, request, response } });
}

function mapped(err: unknown): GitLabError {
  const out = toGitLabError(err, { baseUrl: "https://gitlab.example.com" });
  if (!(out instanceof GitLabError)) throw new Error("expected a GitLabError");
  return out;
}

describe("toGitLabError", () => {
  it("maps a revoked OAuth token (401 invalid_token) to unauthorized/revoked", () => {
    const description = "Token was revoked. You have to re-authorize from the user.";
    const err = mapped(
      requestError(401, { error: "invalid_token", error_description: description }, {
        "www-authenticate": `Bearer realm="The API", error="invalid_token", error_description="${description}"`,
      }),
    );
    expect(err.kind).toBe("unauthorized");
    expect(err.status).toBe(401);
    expect(err.tokenProblem).toBe("revoked");
    expect(err.message).toBe("GitLab rejected the access token: it was revoked");
  });

  it("tells an expired token from an unknown one", () => {
    const expired = mapped(requestError(401, { error: "invalid_token", error_description: "Token is expired. You can either do re-authorization or token refresh." }, {
      "www-authenticate": 'Bearer realm="The API", error="invalid_token", error_description="Token is expired. You can either do re-authorization or token refresh."',
    }));
    expect(expired.tokenProblem).toBe("expired");
    const unknown = mapped(requestError(401, { message: "401 Unauthorized" }));
    expect(unknown.kind).toBe("unauthorized");
    expect(unknown.tokenProblem).toBeUndefined();
    expect(unknown.message).toBe("GitLab rejected the credentials (401): 401 Unauthorized");
  });

  it("maps 403, 404 and 409 with GitLab's message", () => {
    const forbidden = mapped(requestError(403, { message: "403 Forbidden - Not allowed" }));
    expect(forbidden).toMatchObject({ kind: "forbidden", status: 403, gitlabMessage: "403 Forbidden - Not allowed" });
    const notFound = mapped(requestError(404, { message: "404 Project Not Found" }));
    expect(notFound).toMatchObject({ kind: "not_found", status: 404, message: "Not found on GitLab (404): 404 Project Not Found" });
    const conflict = mapped(requestError(409, { message: "409 Conflict" }, {}, "POST"));
    expect(conflict).toMatchObject({ kind: "conflict", status: 409, method: "POST" });
  });

  it("maps 429 with Retry-After to rate_limited with the wait in the message", () => {
    const err = mapped(requestError(429, "Retry later", { "retry-after": "30", "ratelimit-reset": "1" }));
    expect(err).toMatchObject({ kind: "rate_limited", status: 429, retryAfterSeconds: 30 });
    expect(err.message).toBe("GitLab rate limit hit; retry in 30 s");
  });

  it("maps 5xx to server_error and 400/422 to bad_request", () => {
    expect(mapped(requestError(500, { message: "500 Internal Server Error" }))).toMatchObject({ kind: "server_error", status: 500, method: "GET" });
    expect(mapped(requestError(503, "<!DOCTYPE html><html>maintenance</html>")).gitlabMessage).toBeUndefined();
    expect(mapped(requestError(400, { error: "title is missing" }))).toMatchObject({ kind: "bad_request", gitlabMessage: "title is missing" });
    expect(mapped(requestError(422, { message: "422 Unprocessable Entity" })).kind).toBe("bad_request");
  });

  it("maps fetch's network failure to unreachable, naming the host and the socket error", () => {
    const err = mapped(new TypeError("fetch failed", { cause: Object.assign(new Error("connect ECONNREFUSED 10.0.0.1:443"), { code: "ECONNREFUSED" }) }));
    expect(err.kind).toBe("unreachable");
    expect(err.message).toBe("GitLab is unreachable at https://gitlab.example.com: ECONNREFUSED");
  });

  it("maps a real connection refusal", async () => {
    const url = await closedPortUrl();
    const failure = await fetch(`${url}/api/v4/user`).catch((e: unknown) => e);
    const err = toGitLabError(failure, { baseUrl: `${url}/` });
    expect(err).toBeInstanceOf(GitLabError);
    expect(err.message).toBe(`GitLab is unreachable at ${url}: ECONNREFUSED`);
  });

  it("maps gitbeaker's timeout and retry errors", () => {
    expect(mapped(new GitbeakerTimeoutError("Query timeout was reached")).kind).toBe("unreachable");
    const retry = mapped(new GitbeakerRetryError("Could not successfully complete this request after 10 retries, last status code: 429. Check the applicable rate limits for this endpoint."));
    expect(retry).toMatchObject({ kind: "rate_limited", status: 429 });
    expect(mapped(new GitbeakerRetryError("… last status code: 502. Verify the status of the endpoint.")).kind).toBe("server_error");
  });

  it("passes typed errors through untouched", () => {
    const reauth = new NeedsReauthError("c1", "revoked");
    expect(toGitLabError(reauth)).toBe(reauth);
    const typed = new GitLabError("forbidden", "x");
    expect(toGitLabError(typed)).toBe(typed);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2021-01-05T10:59:30Z");
  it("reads seconds, HTTP dates, and falls back to RateLimit-Reset", () => {
    expect(parseRetryAfter(new Headers({ "retry-after": "7" }), now)).toBe(7);
    expect(parseRetryAfter(new Headers({ "retry-after": "Tue, 05 Jan 2021 11:00:00 GMT" }), now)).toBe(30);
    expect(parseRetryAfter(new Headers({ "ratelimit-reset": String(now / 1000 + 12) }), now)).toBe(12);
    expect(parseRetryAfter(new Headers(), now)).toBeUndefined();
  });
});
