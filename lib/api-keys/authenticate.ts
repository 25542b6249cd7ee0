import type { Database } from "@/db/client";
import type { ApiKey, User } from "@/db/schema";
import { AppError } from "@/lib/http/app-error";
import { API_KEY_PREFIX, apiKeyStatus, hashApiKey } from "./keys";
import { findApiKeyByHash, touchApiKeyLastUsed } from "./queries";

/** `last_used_at` is written at most this often per key, so a busy script does not turn every read into a write. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** Generous upper bound; anything longer is not one of our keys and is rejected before hashing. */
const MAX_KEY_LENGTH = 200;
const KEY_SHAPE = /^ohk_[A-Za-z0-9_-]+$/;

const bearerChallenge = { "www-authenticate": 'Bearer realm="api"' };

function unauthorized(code: string, message: string): AppError {
  // RFC 6750: a 401 for a bearer-protected resource names the scheme it expects.
  return new AppError(code, 401, message, undefined, bearerChallenge);
}

/** The key from `Authorization: Bearer <key>`, or a 401 that says what is wrong with the header. */
export function bearerToken(req: Request): string {
  const header = req.headers.get("authorization")?.trim();
  if (!header) throw unauthorized("missing_api_key", "Send your API key as `Authorization: Bearer ohk_…`. Create one in Settings › API Keys.");
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) throw unauthorized("invalid_api_key", "The Authorization header must be `Bearer <API key>`.");
  return match[1];
}

export interface AuthenticatedKey {
  key: ApiKey;
  user: User;
}

/**
 * Resolves a presented key to its row and owner, checking revocation and expiry on every call, so a
 * revoked key stops working on the next request. The lookup is by the SHA-256 of the key through a
 * unique index: one indexed read, and the plaintext is never compared or stored. (Timing of the
 * index lookup reveals nothing useful: an attacker would need a preimage of the hash.)
 */
export async function authenticateApiKey(db: Database, token: string, now = new Date()): Promise<AuthenticatedKey> {
  if (token.length > MAX_KEY_LENGTH || !token.startsWith(API_KEY_PREFIX) || !KEY_SHAPE.test(token)) {
    throw unauthorized("invalid_api_key", "This is not a valid API key. Keys start with `ohk_`; copy the whole key.");
  }
  const row = await findApiKeyByHash(db, hashApiKey(token));
  if (!row) throw unauthorized("invalid_api_key", "This API key is not valid. Check that you copied it completely, or create a new one.");
  const status = apiKeyStatus(row.key, now);
  if (status === "revoked") throw unauthorized("api_key_revoked", `The API key "${row.key.name}" was revoked. Create a new one in Settings › API Keys.`);
  if (status === "expired") throw unauthorized("api_key_expired", `The API key "${row.key.name}" expired on ${row.key.expiresAt?.toISOString()}. Create a new one in Settings › API Keys.`);
  await touchLastUsed(db, row.key, now);
  return row;
}

/**
 * Records use at minute resolution. The row we just read tells us whether a write is due, so most
 * requests write nothing; the WHERE clause repeats the check so concurrent requests write once.
 */
async function touchLastUsed(db: Database, key: ApiKey, now: Date): Promise<void> {
  if (key.lastUsedAt && now.getTime() - key.lastUsedAt.getTime() < LAST_USED_RESOLUTION_MS) return;
  const threshold = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
  await touchApiKeyLastUsed(db, key.id, now, threshold);
  key.lastUsedAt = now;
}
