import { z } from "zod";
import type { Database } from "@/db/client";
import type { ApiKey } from "@/db/schema";
import { generateToken, sha256Hex, tokenPrefixForDisplay } from "@/lib/crypto";
import { deleteApiKeyRow, getApiKey, insertApiKey, listApiKeyRows, markApiKeyRevoked } from "./queries";

/** Every Cloud API key starts with this, so a leaked one is found by grep and secret scanners. */
export const API_KEY_PREFIX = "ohk_";
/** "ohk_" plus 8 random characters: enough to tell keys apart, far too little to guess the rest. */
const DISPLAY_PREFIX_LENGTH = 12;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The create form: a name, and an optional lifetime in days (empty means the key never expires). */
export const createApiKeyInput = z.object({
  name: z.string().trim().min(1, "Give the key a name").max(100, "Use at most 100 characters"),
  expiresInDays: z.preprocess(
    (v) => (v === "" || v === null ? undefined : v),
    z.coerce.number().int("Choose a whole number of days").min(1, "Choose at least 1 day").max(3650, "Choose at most 10 years").optional(),
  ),
});
export type CreateApiKeyInput = z.infer<typeof createApiKeyInput>;

export type ApiKeyStatus = "active" | "expired" | "revoked";

/** What a list shows about a key. Never the hash: it is useless to the user and only helps an attacker. */
export interface ApiKeySummary {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  status: ApiKeyStatus;
}

export function apiKeyStatus(key: Pick<ApiKey, "revokedAt" | "expiresAt">, now = new Date()): ApiKeyStatus {
  if (key.revokedAt) return "revoked";
  if (key.expiresAt && key.expiresAt.getTime() <= now.getTime()) return "expired";
  return "active";
}

/** The hash stored for a key. SHA-256 without salt is enough: keys are 192 random bits, not passwords. */
export function hashApiKey(token: string): string {
  return sha256Hex(token);
}

function summarize(key: ApiKey, now: Date): ApiKeySummary {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    createdAt: key.createdAt,
    lastUsedAt: key.lastUsedAt,
    expiresAt: key.expiresAt,
    revokedAt: key.revokedAt,
    status: apiKeyStatus(key, now),
  };
}

/**
 * Creates a key and returns its plaintext exactly once. Only the hash and a display prefix are
 * stored, so the plaintext cannot be shown again, by us or by anyone who reads the database.
 */
export async function createApiKey(
  db: Database,
  input: { userId: string } & CreateApiKeyInput,
  now = new Date(),
): Promise<{ key: ApiKeySummary; token: string }> {
  const token = generateToken(API_KEY_PREFIX);
  const row = await insertApiKey(db, {
    userId: input.userId,
    name: input.name,
    prefix: tokenPrefixForDisplay(token, DISPLAY_PREFIX_LENGTH),
    keyHash: hashApiKey(token),
    createdAt: now,
    expiresAt: input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * DAY_MS) : null,
  });
  return { key: summarize(row, now), token };
}

/** The user's keys, newest first, revoked and expired ones included so the history stays visible. */
export async function listApiKeys(db: Database, userId: string, now = new Date()): Promise<ApiKeySummary[]> {
  const rows = await listApiKeyRows(db, userId);
  return rows.map((r) => summarize(r, now));
}

/**
 * Revokes one of the user's keys; takes effect on the very next request because every request
 * reads the row. Revoking twice keeps the first time. Returns null for a key that is not theirs.
 */
export async function revokeApiKey(db: Database, input: { id: string; userId: string }, now = new Date()): Promise<ApiKeySummary | null> {
  if (!z.uuid().safeParse(input.id).success) return null;
  const owned = { id: input.id, userId: input.userId };
  const updated = await markApiKeyRevoked(db, owned, now);
  if (updated) return summarize(updated, now);
  const existing = await getApiKey(db, owned);
  return existing ? summarize(existing, now) : null;
}

/**
 * Deletes one of the user's keys that no longer works (revoked or expired), so the list does not
 * grow for ever (issue 17). An active key must be revoked first: deleting it would hide from the
 * list a key that still opens the API. Returns the deleted key, or null (not theirs, or active).
 */
export async function deleteApiKey(db: Database, input: { id: string; userId: string }, now = new Date()): Promise<ApiKeySummary | null> {
  if (!z.uuid().safeParse(input.id).success) return null;
  const row = await getApiKey(db, { id: input.id, userId: input.userId });
  if (!row || summarize(row, now).status === "active") return null;
  await deleteApiKeyRow(db, { id: row.id, userId: input.userId });
  return summarize(row, now);
}
