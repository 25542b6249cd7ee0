import type { Database } from "@/db/client";
import type { WebhookInstallation } from "@/db/schema";
import { constantTimeEqual, generateToken, sha256Hex } from "@/lib/crypto";
import { findInstallationWithSecret } from "./queries";

/**
 * Webhook secrets are `<installation id>.<glhook_…>`. GitLab sends the secret back verbatim in
 * `X-Gitlab-Token` on every delivery, so the receiver reads the id, loads that ONE row and compares
 * hashes in constant time: O(1), no plaintext at rest, no custom headers (works on old self-managed
 * GitLab). The `glhook_` prefix makes a leaked secret easy to find by grep.
 */

export const SECRET_PREFIX = "glhook_";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Anything longer is not one of ours; refuse before hashing attacker-sized input. */
const MAX_TOKEN_LENGTH = 200;

export interface InstallationSecret {
  /** give this to GitLab as the hook's token, once; it is never stored */
  secret: string;
  /** store this in webhook_installations.secret_hash */
  hash: string;
}

export function hashWebhookSecret(secret: string): string {
  return sha256Hex(secret);
}

export function createInstallationSecret(installationId: string): InstallationSecret {
  if (!UUID.test(installationId)) throw new Error("installation id must be a uuid");
  const secret = `${installationId.toLowerCase()}.${generateToken(SECRET_PREFIX, 32)}`;
  return { secret, hash: hashWebhookSecret(secret) };
}

/** The installation id a token claims, or null when the token does not have our shape. */
export function parseWebhookToken(headerValue: string | null | undefined): string | null {
  if (!headerValue || headerValue.length > MAX_TOKEN_LENGTH) return null;
  const dot = headerValue.indexOf(".");
  if (dot <= 0) return null;
  const id = headerValue.slice(0, dot);
  const rest = headerValue.slice(dot + 1);
  if (!UUID.test(id) || !rest.startsWith(SECRET_PREFIX)) return null;
  return id.toLowerCase();
}

export type VerifiedInstallation = Pick<WebhookInstallation, "id" | "baseUrl" | "resourceType" | "resourceId" | "resourcePath" | "installedBy">;

/**
 * Recently verified installations, per database. A GitLab burst (hundreds of deliveries a second
 * from one hook) would otherwise cost a lookup round trip per delivery on the receiver's hot path.
 * Only the stored hash is cached, so every delivery is still compared in constant time; a wrong
 * secret always falls through to the database. The cost: an installation deleted or re-keyed keeps
 * accepting its OLD secret for up to CACHE_TTL_MS, which is harmless since GitLab stops sending it
 * once the hook is gone or re-keyed.
 */
const CACHE_TTL_MS = 5_000;
const CACHE_MAX = 10_000;
type CachedInstallation = { at: number; secretHash: string; installation: VerifiedInstallation };
const caches = new WeakMap<object, Map<string, CachedInstallation>>();

function cacheFor(db: Database): Map<string, CachedInstallation> {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  return cache;
}

/** Tests that change an installation's secret in place call this. */
export function forgetVerifiedInstallations(db: Database): void {
  caches.delete(db);
}

/**
 * The installation the token belongs to, or null (missing, malformed, unknown id, no secret on
 * record, or a wrong secret). Every failure looks the same to the caller, so a 401 tells an
 * attacker nothing about which part was wrong.
 */
export async function verifyWebhookToken(db: Database, headerValue: string | null | undefined): Promise<VerifiedInstallation | null> {
  const id = parseWebhookToken(headerValue);
  if (!id || !headerValue) return null;
  const presented = hashWebhookSecret(headerValue);
  const cache = cacheFor(db);
  const cached = cache.get(id);
  if (cached && Date.now() - cached.at < CACHE_TTL_MS && constantTimeEqual(presented, cached.secretHash)) return cached.installation;

  const row = await findInstallationWithSecret(db, id);
  if (!row?.secretHash) {
    cache.delete(id);
    return null;
  }
  const { secretHash, ...installation } = row;
  if (!constantTimeEqual(presented, secretHash)) return null;
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(id, { at: Date.now(), secretHash, installation });
  return installation;
}
