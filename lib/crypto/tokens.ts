// Random tokens and key material.
//
// Tokens carry a readable type prefix (ohk_, glhook_, …) so a leaked value is
// recognisable by secret scanners and humans; the random part is base64url so
// it is URL-, header- and env-safe.
import { randomBytes } from "node:crypto";
import { KEY_BYTES } from "./keyring";

/** Below 128 bits a token is guessable in principle; refuse to make one. */
export const MIN_TOKEN_BYTES = 16;
export const MAX_TOKEN_BYTES = 256;
const PREFIX_RE = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;

/** Number of characters the random part of generateToken(prefix, bytes) has. */
export function tokenRandomLength(bytes: number): number {
  return Math.ceil((bytes * 4) / 3);
}

/**
 * `<prefix><base64url of `bytes` random bytes>`, e.g. generateToken("ohk_")
 * → "ohk_" + 32 chars. The prefix must start with a letter and use only
 * letters, digits, "_" or "-" (it is usually written with a trailing "_").
 */
export function generateToken(prefix: string, bytes = 24): string {
  if (typeof prefix !== "string" || !PREFIX_RE.test(prefix)) {
    throw new TypeError(
      "token prefix must be 1-32 characters: a letter followed by letters, digits, '_' or '-'",
    );
  }
  if (!Number.isInteger(bytes) || bytes < MIN_TOKEN_BYTES || bytes > MAX_TOKEN_BYTES) {
    throw new RangeError(
      `token size must be an integer between ${MIN_TOKEN_BYTES} and ${MAX_TOKEN_BYTES} bytes (got ${bytes})`,
    );
  }
  return prefix + randomBytes(bytes).toString("base64url");
}

/**
 * 32 random bytes as standard base64 (44 chars) — a valid key for
 * createCipherKit, and suitable for ENCRYPTION_KEY / AUTH_SECRET.
 */
export function generateKeyMaterial(): string {
  return randomBytes(KEY_BYTES).toString("base64");
}

/**
 * The leading characters of a token, for showing in UIs and storing next to
 * its hash so users can tell their tokens apart ("ohk_Ab3d" …).
 * Never reveals more than half of the token, so a short or malformed value
 * is not disclosed in full.
 */
export function tokenPrefixForDisplay(token: string, n = 8): string {
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`display prefix length must be a positive integer (got ${n})`);
  }
  return token.slice(0, Math.min(n, Math.floor(token.length / 2)));
}
