import { afterEach, describe, expect, it } from "vitest";
import { GitLabError } from "./errors";
import { parseTokenResponse, refreshAccessToken, RefreshRejectedError, type GitLabOAuthConfig } from "./oauth";
import { closedPortUrl, startStubServer, type StubResponse, type StubServer } from "./testing/stub-server";

const ACCESS = "c97d1fe52119f38c7f67f0a14db68d60caa35ddc86fd12401718b649dcfa9c68";
const REFRESH = "803c1fd487fec35562c205dac93e9d8e08f9d3652a24079d704df3039df1158f";

describe("parseTokenResponse", () => {
  it("accepts the documented example (lowercase bearer, no scope)", () => {
    expect(parseTokenResponse({ access_token: ACCESS, token_type: "bearer", expires_in: 7200, refresh_token: REFRESH, created_at: 1628711391 })).toEqual({
      accessToken: ACCESS,
      refreshToken: REFRESH,
      expiresInSeconds: 7200,
      scopes: null,
    });
  });

  it("accepts doorkeeper's real shape (capital Bearer, space-separated scope)", () => {
    const parsed = parseTokenResponse({ access_token: ACCESS, token_type: "Bearer", expires_in: 7200, refresh_token: REFRESH, scope: "api read_user", created_at: 1 });
    expect(parsed.scopes).toEqual(["api", "read_user"]);
  });

  it("treats a missing expires_in as a non-expiring token", () => {
    expect(parseTokenResponse({ access_token: ACCESS, token_type: "BEARER", refresh_token: REFRESH }).expiresInSeconds).toBeNull();
  });

  it("rejects malformed bodies without echoing tokens", () => {
    const err = (() => {
      try {
        parseTokenResponse({ access_token: ACCESS, token_type: "mac", refresh_token: REFRESH });
      } catch (e) {
        return e as Error;
      }
      throw new Error("expected a throw");
    })();
    expect(err).toBeInstanceOf(GitLabError);
    expect(err.message).toContain("token_type");
    expect(err.message).not.toContain(ACCESS);
    expect(() => parseTokenResponse({ token_type: "bearer", refresh_token: REFRESH })).toThrow(/access_token/);
  });
});

describe("refreshAccessToken", () => {
  let server: StubServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function refreshAgainst(response: StubResponse): Promise<{ result: unknown; config: GitLabOAuthConfig }> {
    server = await startStubServer(() => response);
    const config = { baseUrl: `${server.url}/`, clientId: "app-id", clientSecret: "app-secret", redirectUri: "http://localhost:3000/api/auth/callback/gitlab" };
    const result = await refreshAccessToken(config, "old-refresh-token").catch((e: unknown) => e);
    return { result, config };
  }

  it("posts the form-encoded refresh grant and returns the new pair", async () => {
    const { result, config } = await refreshAgainst({ status: 200, body: { access_token: ACCESS, token_type: "Bearer", expires_in: 7200, refresh_token: REFRESH, scope: "api", created_at: 1 } });
    expect(result).toMatchObject({ accessToken: ACCESS, refreshToken: REFRESH, expiresInSeconds: 7200, scopes: ["api"] });
    const [req] = server!.requests;
    expect(req?.method).toBe("POST");
    expect(req?.path).toBe("/oauth/token");
    expect(req?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(new URLSearchParams(req?.body))).toEqual({
      grant_type: "refresh_token",
      refresh_token: "old-refresh-token",
      client_id: "app-id",
      client_secret: "app-secret",
      redirect_uri: config.redirectUri,
    });
  });

  it("turns invalid_grant into RefreshRejectedError", async () => {
    const { result } = await refreshAgainst({ status: 400, body: { error: "invalid_grant", error_description: "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client." } });
    expect(result).toBeInstanceOf(RefreshRejectedError);
    expect((result as Error).message).toMatch(/^GitLab rejected the refresh token \(invalid_grant\): The provided authorization grant is invalid/);
    expect((result as Error).message).not.toContain("old-refresh-token");
  });

  it("reports invalid_client as an app configuration problem, not a revoked grant", async () => {
    const { result } = await refreshAgainst({ status: 401, body: { error: "invalid_client", error_description: "Client authentication failed" } });
    expect(result).toBeInstanceOf(GitLabError);
    expect(result).toMatchObject({ kind: "unauthorized", status: 401 });
    expect((result as Error).message).toContain("GITLAB_CLIENT_ID");
  });

  it("maps 5xx and 429 to GitLabError", async () => {
    expect((await refreshAgainst({ status: 503, body: "upstream down" })).result).toMatchObject({ kind: "server_error", status: 503 });
    await server?.close();
    expect((await refreshAgainst({ status: 429, body: "Retry later", headers: { "Retry-After": "5" } })).result).toMatchObject({ kind: "rate_limited", retryAfterSeconds: 5 });
  });

  it("maps a network failure to unreachable", async () => {
    const baseUrl = await closedPortUrl();
    const err = await refreshAccessToken({ baseUrl, clientId: "a", clientSecret: "b", redirectUri: "http://x/cb" }, "secret-refresh").catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "unreachable", message: `GitLab is unreachable at ${baseUrl}: ECONNREFUSED` });
  });
});
