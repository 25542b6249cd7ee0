import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Database } from "@/db/client";
import { dumpDatabase } from "@/db/testing/dump";
import { openSecondHandle } from "@/db/testing/second-handle";
import { createCipherKit } from "@/lib/crypto";
import { createTestDatabase, testDbKind, type TestDatabase } from "@/lib/testing/db";
import { spawnTsx } from "@/lib/testing/processes";
import { gitlabForUser, withUserGitLab } from "./client";
import { NeedsReauthError } from "./errors";
import { refreshAccessToken, RefreshRejectedError } from "./oauth";
import { findUserByUsername } from "@/lib/users/testing/queries";
import { getConnection, getConnectionSummary } from "./queries";
import { getAccessToken, saveConnection } from "./tokens";
import { connectUser } from "./testing/connected-user";
import { fetchCurrentUser } from "./testing/oauth-login";
import { setConnectionExpiry } from "./testing/queries";
import { startSandboxFixture, type SandboxFixture } from "./testing/sandbox-fixture";

const cipherKey = crypto.randomBytes(32).toString("base64");
const cipher = createCipherKit({ current: cipherKey });
const PASSWORD = "correct-horse-battery";
const people = ["ada", "bob", "cy", "dee", "eve", "fay"];

let tdb: TestDatabase;
let db: Database;
let gl: SandboxFixture;
/** A second, independent handle on the same database: another process, as far as locking goes. */
let second: { db: Database; close(): Promise<void> };

beforeAll(async () => {
  [tdb, gl] = await Promise.all([createTestDatabase(), startSandboxFixture({ users: people.map((username) => ({ username, password: PASSWORD })) })]);
  db = tdb.handle.db;
  second = await openSecondHandle(tdb.handle);
});

afterAll(async () => {
  await second?.close();
  await gl?.close();
  await tdb?.close();
});

/** Every token the sandbox issued to us, for the plaintext search at the end. */
const issued = new Set<string>();

async function connect(username: string) {
  const user = await connectUser(db, gl.oauth, { username, password: PASSWORD }, { cipher });
  issued.add(user.tokens.accessToken).add(user.tokens.refreshToken);
  return user;
}

async function expireInDb(userId: string): Promise<void> {
  await setConnectionExpiry(db, userId, new Date(Date.now() - 60_000));
}

async function connectionRow(userId: string) {
  const row = await getConnection(db, userId);
  if (!row) throw new Error("no connection row");
  return row;
}

describe("getAccessToken", () => {
  it("returns the stored token without calling GitLab while it is fresh", async () => {
    const eve = await connect("eve");
    await gl.resetStats();
    expect(await getAccessToken(db, eve.userId, { oauth: gl.oauth, cipher })).toBe(eve.tokens.accessToken);
    expect(await gl.count("POST /oauth/token")).toBe(0);
    expect(await getConnectionSummary(db, eve.userId)).toMatchObject({ id: eve.connectionId, username: "eve", status: "active", scopes: ["api", "read_user", "read_repository", "write_repository"] });
  });

  it("never sends a token to a GitLab other than the one that issued it", async () => {
    const eve = await findUserByUsername(db, "eve");
    const elsewhere = { ...gl.oauth, baseUrl: "https://gitlab.elsewhere.example" };
    await gl.resetStats();
    const err = await gitlabForUser(db, eve!.id, elsewhere, { cipher }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NeedsReauthError);
    expect((err as Error).message).toBe(`GitLab needs to be reconnected: connected to ${gl.oauth.baseUrl}, but the app now uses https://gitlab.elsewhere.example`);
    await expireInDb(eve!.id);
    await expect(getAccessToken(db, eve!.id, { oauth: elsewhere, cipher })).rejects.toBeInstanceOf(NeedsReauthError);
    // Not persisted: a configuration change, which reverting should undo.
    expect((await connectionRow(eve!.id)).status).toBe("active");
    expect(await getAccessToken(db, eve!.id, { oauth: gl.oauth, cipher })).toMatch(/^[0-9a-f]{64}$/);
  });

  it("20 concurrent callers on two database handles cause exactly one refresh, and all get the new token", async () => {
    const ada = await connect("ada");
    const before = await connectionRow(ada.userId);
    await gl.control("oauth/expire", { username: "ada" });
    await expireInDb(ada.userId);
    await gl.resetStats();

    const oauth = async () => gl.oauth; // resolved lazily, as the app resolves its config
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => getAccessToken(i % 2 === 0 ? db : second.db, ada.userId, { oauth, cipher })));

    expect(await gl.count("POST /oauth/token")).toBe(1);
    const fresh = results[0]!;
    expect(fresh).not.toBe(ada.tokens.accessToken);
    expect(new Set(results)).toEqual(new Set([fresh]));
    expect(await fetchCurrentUser(gl.oauth.baseUrl, fresh)).toMatchObject({ username: "ada" });
    const after = await connectionRow(ada.userId);
    expect(after.refreshGeneration).toBe(before.refreshGeneration + 1);
    expect(after.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 7000 * 1000);
    // The sandbox's refresh tokens are single-use: the old one is spent, so a second refresh would have failed.
    await expect(refreshAccessToken(gl.oauth, ada.tokens.refreshToken)).rejects.toBeInstanceOf(RefreshRejectedError);
  });

  it.skipIf(testDbKind() !== "postgres")("two OS processes, 10 concurrent callers each, cause exactly one refresh", async () => {
    const fay = await connect("fay");
    await gl.control("oauth/expire", { username: "fay" });
    await expireInDb(fay.userId);
    await gl.resetStats();
    const startAt = Date.now() + 2500; // both children are connected by then, and fire together
    const children = [0, 1].map(() =>
      spawnTsx("lib/gitlab/testing/token-race-child.ts", {
        LOG_LEVEL: "silent",
        RACE_DATABASE_URL: tdb.url,
        RACE_USER_ID: fay.userId,
        RACE_OAUTH: JSON.stringify(gl.oauth),
        RACE_CIPHER_KEY: cipherKey,
        RACE_CALLS: "10",
        RACE_START_AT: String(startAt),
      }),
    );
    const codes = await Promise.all(children.map((c) => c.exited));
    const results = children.flatMap((c) => {
      const line = /^RESULT (.*)$/m.exec(c.output())?.[1];
      if (!line) throw new Error(`child printed no result: ${c.output()}`);
      return z.array(z.object({ sha: z.string() })).parse(JSON.parse(line));
    });
    expect(codes).toEqual([0, 0]);
    expect(results).toHaveLength(20);
    expect(await gl.count("POST /oauth/token")).toBe(1);
    const current = cipher.decrypt((await connectionRow(fay.userId)).accessTokenEnc, `gitlab_connections:${fay.userId}:access_token`);
    expect(new Set(results.map((r) => r.sha))).toEqual(new Set([crypto.createHash("sha256").update(current).digest("hex")]));
    expect(await fetchCurrentUser(gl.oauth.baseUrl, current)).toMatchObject({ username: "fay" });
  });

  it("marks a connection whose refresh token was revoked as needs_reauth, and does not try again", async () => {
    const bob = await connect("bob");
    await gl.control("oauth/revoke", { username: "bob" });
    await expireInDb(bob.userId);
    await gl.resetStats();

    const err = await getAccessToken(db, bob.userId, { oauth: gl.oauth, cipher }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NeedsReauthError);
    expect((err as NeedsReauthError).connectionId).toBe(bob.connectionId);
    expect((err as Error).message).not.toContain(bob.tokens.refreshToken);
    const row = await connectionRow(bob.userId);
    expect(row.status).toBe("needs_reauth");
    expect(row.lastError).toMatch(/invalid_grant/);
    expect(await gl.count("POST /oauth/token")).toBe(1);

    await expect(getAccessToken(db, bob.userId, { oauth: gl.oauth, cipher })).rejects.toBeInstanceOf(NeedsReauthError);
    await expect(getAccessToken(second.db, bob.userId, { oauth: gl.oauth, cipher })).rejects.toBeInstanceOf(NeedsReauthError);
    expect(await gl.count("POST /oauth/token")).toBe(1);

    // Signing in again (saveConnection) makes it active again.
    await saveConnection(db, { userId: bob.userId, baseUrl: gl.oauth.baseUrl, gitlabUserId: bob.gitlabUserId, username: "bob", accessToken: "new-access", refreshToken: "new-refresh", expiresAt: null, scopes: "api" }, { cipher });
    expect(await getAccessToken(db, bob.userId, { oauth: gl.oauth, cipher })).toBe("new-access");
  });

  it("turns a 401 'revoked' on an API call into NeedsReauthError via one refresh attempt", async () => {
    const cy = await connect("cy");
    await gl.control("oauth/revoke", { username: "cy" });
    await gl.resetStats();
    const err = await withUserGitLab(db, cy.userId, gl.oauth, (api) => api.Users.showCurrentUser(), { cipher }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NeedsReauthError);
    expect((await connectionRow(cy.userId)).status).toBe("needs_reauth");
    expect(await gl.count("GET /user")).toBe(1);
    expect(await gl.count("POST /oauth/token")).toBe(1);
  });

  it("answers a 401 with the token another process already rotated in, without refreshing again", async () => {
    const dee = await connect("dee");
    // Process B refreshes; the pair process A holds is now revoked (single-use rotation).
    await expireInDb(dee.userId);
    const rotated = await getAccessToken(second.db, dee.userId, { oauth: gl.oauth, cipher });
    expect(rotated).not.toBe(dee.tokens.accessToken);
    await gl.resetStats();
    // Process A got a 401 for its old token and reports it as rejected.
    expect(await getAccessToken(db, dee.userId, { oauth: gl.oauth, cipher, rejectedToken: dee.tokens.accessToken })).toBe(rotated);
    expect(await gl.count("POST /oauth/token")).toBe(0);
    // If the current token itself is rejected (GitLab says expired before our clock does), it is refreshed once.
    await gl.control("oauth/expire", { username: "dee" });
    const refreshed = await getAccessToken(db, dee.userId, { oauth: gl.oauth, cipher, rejectedToken: rotated });
    expect(refreshed).not.toBe(rotated);
    expect(await gl.count("POST /oauth/token")).toBe(1);
    const me = await withUserGitLab(db, dee.userId, gl.oauth, (api) => api.Users.showCurrentUser(), { cipher });
    expect(me).toMatchObject({ username: "dee" });
  });
});

describe("tokens at rest", () => {
  it("stores no token in plaintext anywhere in the database after sign-in and a refresh", async () => {
    const tokens = new Set<string>(issued);
    for (const username of people) {
      const user = await findUserByUsername(db, username);
      if (!user) continue;
      const row = await connectionRow(user.id);
      tokens.add(cipher.decrypt(row.accessTokenEnc, `gitlab_connections:${user.id}:access_token`));
      if (row.refreshTokenEnc) tokens.add(cipher.decrypt(row.refreshTokenEnc, `gitlab_connections:${user.id}:refresh_token`));
    }
    // The pairs sign-in produced plus the current (refreshed) pairs.
    expect(tokens.size).toBeGreaterThanOrEqual(2 * people.length + 4);

    const { text: dump, tables } = await dumpDatabase(db);
    expect(tables).toContain("public.gitlab_connections");
    expect(dump.length).toBeGreaterThan(0);
    for (const token of tokens) expect(dump.includes(token), "a token was found in plaintext").toBe(false);
    // Sanity check of the dump itself: the usernames (plaintext columns) are in it.
    expect(dump).toContain("ada");
  });

  it("binds ciphertexts to their user and column", async () => {
    const ada = await findUserByUsername(db, "ada");
    const row = await connectionRow(ada!.id);
    expect(() => cipher.decrypt(row.accessTokenEnc, `gitlab_connections:${ada!.id}:refresh_token`)).toThrow();
    expect(() => cipher.decrypt(row.accessTokenEnc, `gitlab_connections:${crypto.randomUUID()}:access_token`)).toThrow();
  });
});
