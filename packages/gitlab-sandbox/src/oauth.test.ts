// OAuth 2 against the sandbox as a browser and an app would do it: sign-in form, consent, code
// exchange with PKCE, refresh rotation, single-use refresh tokens, expiry and scopes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "./index";
import { apiClient, obj } from "./test-support";

// Test vector from GitLab's OAuth documentation (oauth.md).
const VERIFIER = "ks02i3jdikdo2k0dkfodf3m39rjfjsdk0wk349rj3jrhf";
const CHALLENGE = "2i0WFA-0AerkjQm4X4oDEhqA17QIAKNjXpagHBXmO_U";
const REDIRECT = "http://app.example.test/api/auth/callback/gitlab";

let sandbox: Sandbox;
let client: { uid: string; secret: string };
let trusted: { uid: string; secret: string };

beforeAll(async () => {
  sandbox = await startSandbox();
  const seed = await sandbox.seed({
    users: [{ username: "dana", password: "correct-horse", name: "Dana" }],
    groups: [],
    projects: [{ namespace: "dana", path: "notes" }],
    oauth_applications: [
      { name: "Agent", redirect_uri: REDIRECT, scopes: "api read_user read_api" },
      { name: "Trusted", redirect_uri: REDIRECT, scopes: "api", trusted: true },
    ],
  });
  client = seed.oauth_applications[0]!;
  trusted = seed.oauth_applications[1]!;
});

afterAll(async () => {
  await sandbox?.close();
});

function authorizeUrl(uid: string, scope = "api read_user", extra: Record<string, string> = {}): string {
  const q = new URLSearchParams({ client_id: uid, redirect_uri: REDIRECT, response_type: "code", state: "st4te", scope, code_challenge: CHALLENGE, code_challenge_method: "S256", ...extra });
  return `/oauth/authorize?${q.toString()}`;
}

async function signIn(): Promise<string> {
  const res = await fetch(`${sandbox.url}/users/sign_in`, {
    method: "POST", redirect: "manual", headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username: "dana", password: "correct-horse", redirect_to: "/" }).toString(),
  });
  expect(res.status).toBe(302);
  return (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
}

/** Browser part of the flow: returns the `code` the app receives. */
async function obtainCode(uid = client.uid, scope = "api read_user"): Promise<string> {
  const cookie = await signIn();
  const page = await fetch(`${sandbox.url}${authorizeUrl(uid, scope)}`, { headers: { cookie }, redirect: "manual" });
  let location = page.headers.get("location");
  if (page.status === 200) {
    const html = await page.text();
    expect(html).toContain("Authorize");
    const hidden = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], (m[2] ?? "").replace(/&amp;/g, "&")]));
    const consent = await fetch(`${sandbox.url}/oauth/authorize`, {
      method: "POST", redirect: "manual", headers: { cookie, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ ...hidden, decision: "allow" }).toString(),
    });
    expect(consent.status).toBe(302);
    location = consent.headers.get("location");
  }
  const url = new URL(location ?? "");
  expect(url.searchParams.get("state")).toBe("st4te");
  return url.searchParams.get("code") ?? "";
}

async function token(params: Record<string, string>, init: { json?: boolean; basic?: string } = {}): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { "Content-Type": init.json ? "application/json" : "application/x-www-form-urlencoded" };
  if (init.basic) headers.Authorization = `Basic ${Buffer.from(init.basic).toString("base64")}`;
  const res = await fetch(`${sandbox.url}/oauth/token`, { method: "POST", headers, body: init.json ? JSON.stringify(params) : new URLSearchParams(params).toString() });
  return { status: res.status, headers: res.headers, body: obj(await res.json()) };
}

describe("OAuth", () => {
  it("redirects an anonymous browser to the sign-in form and back", async () => {
    const res = await fetch(`${sandbox.url}${authorizeUrl(client.uid)}`, { redirect: "manual" });
    expect(res.status).toBe(302);
    const location = res.headers.get("location") ?? "";
    expect(location).toMatch(/^\/users\/sign_in\?redirect_to=/);
    const form = await fetch(`${sandbox.url}${location}`);
    const html = await form.text();
    expect(html).toContain('name="username"');
    expect(html).toContain('name="redirect_to"');
    const bad = await fetch(`${sandbox.url}/users/sign_in`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "username=dana&password=wrong" });
    expect(await bad.text()).toContain("Invalid login or password.");
  });

  it("exchanges a code with PKCE, refreshes with rotation and refuses a reused refresh token", async () => {
    const code = await obtainCode();
    const first = await token({ grant_type: "authorization_code", client_id: client.uid, code, redirect_uri: REDIRECT, code_verifier: VERIFIER });
    expect(first.status).toBe(200);
    expect(first.headers.get("cache-control")).toBe("no-store");
    expect(first.body).toMatchObject({ token_type: "Bearer", expires_in: 7200, scope: "api read_user" });
    expect(Object.keys(first.body).sort()).toEqual(["access_token", "created_at", "expires_in", "refresh_token", "scope", "token_type"]);
    const api = apiClient(sandbox.url, String(first.body.access_token), "oauth");
    expect((await api("GET", "/user")).status).toBe(200);

    // The code is single use.
    const again = await token({ grant_type: "authorization_code", client_id: client.uid, code, redirect_uri: REDIRECT, code_verifier: VERIFIER });
    expect(again.body.error).toBe("invalid_grant");

    const refreshed = await token({ grant_type: "refresh_token", refresh_token: String(first.body.refresh_token), client_id: client.uid, client_secret: client.secret });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.access_token).not.toBe(first.body.access_token);
    expect(refreshed.body.refresh_token).not.toBe(first.body.refresh_token);

    const reused = await token({ grant_type: "refresh_token", refresh_token: String(first.body.refresh_token), client_id: client.uid, client_secret: client.secret });
    expect(reused.status).toBe(400);
    expect(reused.body).toEqual({
      error: "invalid_grant",
      error_description: "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.",
    });
    // The rotated-out access token is revoked.
    const old = await api("GET", "/user");
    expect(old.status).toBe(401);
    expect(old.body).toEqual({ error: "invalid_token", error_description: "Token was revoked. You have to re-authorize from the user." });
  });

  it("answers 401 invalid_token for an expired access token", async () => {
    const code = await obtainCode();
    const t = await token({ grant_type: "authorization_code", client_id: client.uid, client_secret: client.secret, code, redirect_uri: REDIRECT, code_verifier: VERIFIER }, { json: true });
    expect(t.status).toBe(200);
    const expire = await fetch(`${sandbox.url}/-/sandbox/oauth/expire`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ username: "dana" }) });
    expect(obj(await expire.json()).expired).toBeGreaterThan(0);
    const res = await fetch(`${sandbox.url}/api/v4/user`, { headers: { Authorization: `Bearer ${String(t.body.access_token)}` } });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: "invalid_token", error_description: "Token is expired. You can either do re-authorization or token refresh." });
    expect(res.headers.get("www-authenticate")).toContain('error="invalid_token"');
    // The refresh token still works after expiry.
    const r = await token({ grant_type: "refresh_token", refresh_token: String(t.body.refresh_token) }, { basic: `${client.uid}:${client.secret}` });
    expect(r.status).toBe(200);
  });

  it("expires tokens by their lifetime", async () => {
    await fetch(`${sandbox.url}/-/sandbox/config`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ access_token_ttl_seconds: 1 }) });
    const t = await token({ grant_type: "authorization_code", client_id: client.uid, code: await obtainCode(), redirect_uri: REDIRECT, code_verifier: VERIFIER });
    expect(t.body.expires_in).toBe(1);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await apiClient(sandbox.url, String(t.body.access_token), "oauth")("GET", "/user")).status).toBe(401);
    await fetch(`${sandbox.url}/-/sandbox/config`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ access_token_ttl_seconds: 7200 }) });
  });

  it("rejects a wrong PKCE verifier and unknown clients", async () => {
    const code = await obtainCode();
    const wrong = await token({ grant_type: "authorization_code", client_id: client.uid, code, redirect_uri: REDIRECT, code_verifier: `${VERIFIER}x` });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe("invalid_grant");
    const unknown = await token({ grant_type: "authorization_code", client_id: "nope", client_secret: "x", code, redirect_uri: REDIRECT });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toBe("invalid_client");
    const badGrant = await token({ grant_type: "password", client_id: client.uid, client_secret: client.secret });
    expect(badGrant.body.error).toBe("unsupported_grant_type");
  });

  it("does not let a read_api token write", async () => {
    const t = await token({ grant_type: "authorization_code", client_id: client.uid, code: await obtainCode(client.uid, "read_api"), redirect_uri: REDIRECT, code_verifier: VERIFIER });
    const api = apiClient(sandbox.url, String(t.body.access_token), "oauth");
    expect((await api("GET", "/projects/dana%2Fnotes")).status).toBe(200);
    const post = await api("POST", "/projects/dana%2Fnotes/issues", { title: "x" });
    expect(post.status).toBe(403);
    expect(post.body).toEqual({ error: "insufficient_scope", error_description: "The request requires higher privileges than provided by the access token.", scope: "api" });
  });

  it("redirects with access_denied when the user denies, and skips consent for trusted apps", async () => {
    const cookie = await signIn();
    const deny = await fetch(`${sandbox.url}/oauth/authorize`, {
      method: "POST", redirect: "manual", headers: { cookie, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ client_id: client.uid, redirect_uri: REDIRECT, response_type: "code", state: "s", scope: "api", decision: "deny" }).toString(),
    });
    const denied = new URL(deny.headers.get("location") ?? "");
    expect(denied.searchParams.get("error")).toBe("access_denied");
    expect(denied.searchParams.get("state")).toBe("s");
    const direct = await fetch(`${sandbox.url}${authorizeUrl(trusted.uid, "api")}`, { headers: { cookie }, redirect: "manual" });
    expect(direct.status).toBe(302);
    expect(new URL(direct.headers.get("location") ?? "").searchParams.get("code")).toBeTruthy();
    const badScope = await fetch(`${sandbox.url}${authorizeUrl(trusted.uid, "sudo")}`, { headers: { cookie }, redirect: "manual" });
    expect(new URL(badScope.headers.get("location") ?? "").searchParams.get("error")).toBe("invalid_scope");
  });

  it("revokes tokens and describes live ones", async () => {
    const t = await token({ grant_type: "authorization_code", client_id: client.uid, code: await obtainCode(), redirect_uri: REDIRECT, code_verifier: VERIFIER });
    const info = await fetch(`${sandbox.url}/oauth/token/info?access_token=${String(t.body.access_token)}`);
    expect(obj(await info.json())).toMatchObject({ scope: ["api", "read_user"], application: { uid: client.uid } });
    const revoke = await fetch(`${sandbox.url}/oauth/revoke`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ token: String(t.body.access_token), client_id: client.uid, client_secret: client.secret }).toString() });
    expect(revoke.status).toBe(200);
    expect((await apiClient(sandbox.url, String(t.body.access_token), "oauth")("GET", "/user")).status).toBe(401);
  });
});
