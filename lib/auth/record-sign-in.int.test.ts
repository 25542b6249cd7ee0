import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dumpDatabase } from "@/db/testing/dump";
import { createCipherKit } from "@/lib/crypto";
import { getConnection } from "@/lib/gitlab/queries";
import { setConnectionExpiry } from "@/lib/gitlab/testing/queries";
import { getAccessToken } from "@/lib/gitlab/tokens";
import { oauthLogin } from "@/lib/gitlab/testing/oauth-login";
import { startSandboxFixture, type SandboxFixture } from "@/lib/gitlab/testing/sandbox-fixture";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { listUsers } from "@/lib/users/testing/queries";
import { recordSignIn } from "./record-sign-in";

// What the next-auth jwt callback does on sign-in, fed with a real GitLab (sandbox) OAuth exchange
// and the real profile, then a real refresh: afterwards no token is readable anywhere in the database.
describe("recording a GitLab sign-in", () => {
  let tdb: TestDatabase;
  let gl: SandboxFixture;
  const cipher = createCipherKit({ current: Buffer.alloc(32, 9).toString("base64") });

  beforeAll(async () => {
    [tdb, gl] = await Promise.all([
      createTestDatabase(),
      startSandboxFixture({ users: [{ username: "grace", name: "Grace Hopper", email: "grace@example.com", password: "cobol-forever-123", personal_access_tokens: [] }] }),
    ]);
  });
  afterAll(async () => {
    await gl?.close();
    await tdb?.close();
  });

  it("keeps the profile, encrypts the tokens, and no token is found in plaintext in any table", async () => {
    const db = tdb.handle.db;
    const login = await oauthLogin({ ...gl.oauth, username: "grace", password: "cobol-forever-123" });
    const profile: unknown = await (await fetch(`${gl.oauth.baseUrl}/api/v4/user`, { headers: { authorization: `Bearer ${login.accessToken}` } })).json();
    const account = { access_token: login.accessToken, refresh_token: login.refreshToken ?? undefined, expires_at: Math.floor(Date.now() / 1000) + 7200, scope: "api read_user" };

    const user = await recordSignIn(db, { baseUrl: gl.oauth.baseUrl, profile, account }, { cipher });
    expect(user).toMatchObject({ username: "grace", name: "Grace Hopper", gitlabBaseUrl: gl.oauth.baseUrl });
    expect(user.avatarUrl).toEqual(expect.any(String));

    // A refresh rotates both tokens; the new pair must not leak either.
    await setConnectionExpiry(db, user.id, new Date(Date.now() - 1000));
    const refreshed = await getAccessToken(db, user.id, { oauth: gl.oauth, cipher });
    expect(refreshed).not.toBe(login.accessToken);
    const row = await getConnection(db, user.id);
    const newRefresh = cipher.decrypt(row!.refreshTokenEnc!, `gitlab_connections:${user.id}:refresh_token`);

    const { text, tables } = await dumpDatabase(db);
    expect(tables).toEqual(expect.arrayContaining(["public.users", "public.gitlab_connections"]));
    expect(text).toContain("grace");
    for (const token of [login.accessToken, login.refreshToken, refreshed, newRefresh]) {
      expect(token).toBeTruthy();
      expect(text.includes(token!), "a token was found in plaintext").toBe(false);
    }
    expect((await listUsers(db)).length).toBe(1);
  });

  it("refuses a profile that is not GitLab's shape, storing nothing", async () => {
    const db = tdb.handle.db;
    await expect(recordSignIn(db, { baseUrl: gl.oauth.baseUrl, profile: { id: "x" }, account: { access_token: "t" } }, { cipher })).rejects.toThrow();
    expect((await listUsers(db)).length).toBe(1);
  });
});
