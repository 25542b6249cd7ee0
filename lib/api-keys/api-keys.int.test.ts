import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { upsertGitLabUser } from "@/lib/users/queries";
import { AppError } from "@/lib/http/app-error";
import { createApiKey, deleteApiKey, listApiKeys, revokeApiKey, apiKeyStatus } from "./keys";
import { authenticateApiKey, bearerToken, LAST_USED_RESOLUTION_MS } from "./authenticate";
import { rawApiKeyRows } from "./testing/queries";

let testDb: TestDatabase;
let db: Database;
let alice: string;
let bob: string;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.handle.db;
  alice = (await upsertGitLabUser(db, "https://gitlab.test", { id: 1, username: "alice", name: "Alice" })).id;
  bob = (await upsertGitLabUser(db, "https://gitlab.test", { id: 2, username: "bob", name: "Bob" })).id;
});
afterAll(async () => {
  await testDb?.close();
});

async function authError(token: string, now?: Date): Promise<AppError> {
  const err = await authenticateApiKey(db, token, now).catch((e: unknown) => e);
  if (!(err instanceof AppError)) throw new Error(`expected an AppError, got ${String(err)}`);
  return err;
}

describe("API keys", () => {
  it("creates an ohk_ key, returns it once and stores only its hash and a short prefix", async () => {
    const { key, token } = await createApiKey(db, { userId: alice, name: "CI" });
    expect(token).toMatch(/^ohk_[A-Za-z0-9_-]{32}$/);
    expect(key).toMatchObject({ name: "CI", status: "active", expiresAt: null, lastUsedAt: null });
    expect(token.startsWith(key.prefix)).toBe(true);
    expect(key.prefix).toHaveLength(12);
    // The table holds no plaintext: no column of any row contains the key or its random part.
    const rows = await rawApiKeyRows(db);
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(token);
    expect(dump).not.toContain(token.slice(4));
    expect(dump).toContain(key.prefix);
  });

  it("authenticates a key to its owner and records the use at most once a minute", async () => {
    const { key, token } = await createApiKey(db, { userId: alice, name: "bot" });
    const t0 = new Date();
    const first = await authenticateApiKey(db, token, t0);
    expect(first.user.id).toBe(alice);
    expect(first.key.id).toBe(key.id);
    const stored = async () => (await listApiKeys(db, alice)).find((k) => k.id === key.id)?.lastUsedAt?.getTime();
    expect(await stored()).toBe(t0.getTime());
    await authenticateApiKey(db, token, new Date(t0.getTime() + 30_000));
    expect(await stored()).toBe(t0.getTime());
    const later = new Date(t0.getTime() + LAST_USED_RESOLUTION_MS + 1);
    await authenticateApiKey(db, token, later);
    expect(await stored()).toBe(later.getTime());
  });

  it("refuses unknown, malformed, revoked and expired keys with their own codes", async () => {
    expect((await authError("ohk_doesnotexist123")).code).toBe("invalid_api_key");
    expect((await authError("glpat-abc")).code).toBe("invalid_api_key");
    expect((await authError(`ohk_${"a".repeat(300)}`)).code).toBe("invalid_api_key");

    const { key, token } = await createApiKey(db, { userId: alice, name: "to revoke" });
    await authenticateApiKey(db, token);
    expect(await revokeApiKey(db, { id: key.id, userId: alice })).toMatchObject({ status: "revoked" });
    const revoked = await authError(token);
    expect(revoked).toMatchObject({ code: "api_key_revoked", status: 401 });
    expect(revoked.headers?.["www-authenticate"]).toMatch(/^Bearer/);

    const now = new Date();
    const expiring = await createApiKey(db, { userId: alice, name: "short", expiresInDays: 7 }, now);
    expect(expiring.key.expiresAt?.getTime()).toBe(now.getTime() + 7 * 86_400_000);
    await authenticateApiKey(db, expiring.token, new Date(now.getTime() + 6 * 86_400_000));
    expect((await authError(expiring.token, new Date(now.getTime() + 7 * 86_400_000))).code).toBe("api_key_expired");
  });

  it("lets only the owner revoke a key, and revoking twice keeps the first time", async () => {
    const { key, token } = await createApiKey(db, { userId: alice, name: "mine" });
    expect(await revokeApiKey(db, { id: key.id, userId: bob })).toBeNull();
    await authenticateApiKey(db, token);
    const first = await revokeApiKey(db, { id: key.id, userId: alice }, new Date("2030-01-01T00:00:00Z"));
    const second = await revokeApiKey(db, { id: key.id, userId: alice }, new Date("2031-01-01T00:00:00Z"));
    expect(second?.revokedAt?.toISOString()).toBe(first?.revokedAt?.toISOString());
    expect(await revokeApiKey(db, { id: "not-a-uuid", userId: alice })).toBeNull();
  });

  it("deletes only a revoked or expired key, and only the owner's", async () => {
    const { key } = await createApiKey(db, { userId: alice, name: "to delete" });
    expect(await deleteApiKey(db, { id: key.id, userId: alice })).toBeNull(); // still active
    await revokeApiKey(db, { id: key.id, userId: alice });
    expect(await deleteApiKey(db, { id: key.id, userId: bob })).toBeNull();
    expect(await deleteApiKey(db, { id: key.id, userId: alice })).toMatchObject({ name: "to delete", status: "revoked" });
    expect((await listApiKeys(db, alice)).some((k) => k.id === key.id)).toBe(false);
    expect(await deleteApiKey(db, { id: key.id, userId: alice })).toBeNull();
  });

  it("lists only the user's keys, newest first, with their status", async () => {
    await createApiKey(db, { userId: bob, name: "old" }, new Date("2020-01-01T00:00:00Z"));
    await createApiKey(db, { userId: bob, name: "new" }, new Date("2021-01-01T00:00:00Z"));
    const keys = await listApiKeys(db, bob);
    expect(keys.map((k) => k.name)).toEqual(["new", "old"]);
    expect(keys.every((k) => !("keyHash" in k))).toBe(true);
    expect(apiKeyStatus({ revokedAt: null, expiresAt: new Date(0) })).toBe("expired");
  });
});

describe("bearerToken", () => {
  const req = (authorization?: string) => new Request("http://x/api/v1/conversations", { headers: authorization ? { authorization } : {} });
  it("reads the key from a Bearer header", () => {
    expect(bearerToken(req("Bearer ohk_abc"))).toBe("ohk_abc");
    expect(bearerToken(req("bearer   ohk_abc "))).toBe("ohk_abc");
  });
  it("names what is wrong with the header", () => {
    expect(() => bearerToken(req())).toThrow(expect.objectContaining({ code: "missing_api_key", status: 401 }));
    expect(() => bearerToken(req("Basic abc"))).toThrow(expect.objectContaining({ code: "invalid_api_key" }));
  });
});
