import { and, desc, eq, isNull, lt, or } from "drizzle-orm";
import type { Database } from "@/db/client";
import { apiKeys, users, type ApiKey, type User } from "@/db/schema";

/**
 * Queries on api_keys. A row holds the SHA-256 of a key and a short display prefix, never the key
 * itself (lib/api-keys/keys.ts). Everything a user does to their keys is scoped by `userId`; only
 * authentication looks a key up without an owner, by its hash, to find the owner.
 */

/** One of the user's keys: every change a user makes to a key goes through this predicate. */
const ownKey = ({ id, userId }: { id: string; userId: string }) => and(eq(apiKeys.id, id), eq(apiKeys.userId, userId));

export interface NewApiKeyRow {
  userId: string;
  name: string;
  prefix: string;
  keyHash: string;
  createdAt: Date;
  expiresAt: Date | null;
}

export async function insertApiKey(db: Database, values: NewApiKeyRow): Promise<ApiKey> {
  const [row] = await db.insert(apiKeys).values(values).returning();
  if (!row) throw new Error("api key insert returned no row");
  return row;
}

/** The user's keys, newest first. */
export async function listApiKeyRows(db: Database, userId: string): Promise<ApiKey[]> {
  return db.select().from(apiKeys).where(eq(apiKeys.userId, userId)).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
}

export async function getApiKey(db: Database, ref: { id: string; userId: string }): Promise<ApiKey | null> {
  const [row] = await db.select().from(apiKeys).where(ownKey(ref)).limit(1);
  return row ?? null;
}

/** Sets revoked_at on one of the user's keys unless already set; null when nothing changed. */
export async function markApiKeyRevoked(db: Database, ref: { id: string; userId: string }, now: Date): Promise<ApiKey | null> {
  const [updated] = await db
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(and(ownKey(ref), isNull(apiKeys.revokedAt)))
    .returning();
  return updated ?? null;
}

export async function deleteApiKeyRow(db: Database, ref: { id: string; userId: string }): Promise<void> {
  await db.delete(apiKeys).where(ownKey(ref));
}

/**
 * The key with this hash and its owner, through the unique index on key_hash: one indexed read.
 * Revocation and expiry are the caller's to check.
 */
export async function findApiKeyByHash(db: Database, keyHash: string): Promise<{ key: ApiKey; user: User } | null> {
  const [row] = await db
    .select({ key: apiKeys, user: users })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(eq(apiKeys.keyHash, keyHash))
    .limit(1);
  return row ?? null;
}

/**
 * Sets last_used_at, unless it is already at or after `threshold`: the WHERE clause repeats the
 * caller's check so concurrent requests write once.
 */
export async function touchApiKeyLastUsed(db: Database, id: string, now: Date, threshold: Date): Promise<void> {
  await db
    .update(apiKeys)
    .set({ lastUsedAt: now })
    .where(and(eq(apiKeys.id, id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, threshold))));
}
