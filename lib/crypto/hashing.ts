// Hashing helpers for storing and comparing secrets (API tokens, webhook
// secrets) without keeping them in plain text or leaking them via timing.
import { createHash, timingSafeEqual } from "node:crypto";

/** SHA-256 of the UTF-8 encoding of `input`, as 64 lowercase hex chars. */
export function sha256Hex(input: string): string {
  return createHash("sha256").update(input, "utf8").digest("hex");
}

function sha256Bytes(input: string): Buffer {
  return createHash("sha256").update(input, "utf8").digest();
}

/**
 * Compares two strings in time independent of where they differ.
 *
 * timingSafeEqual throws on unequal lengths (and an early length check would
 * leak the secret's length), so both sides are hashed to fixed 32-byte
 * digests first; equal digests mean equal strings for all practical purposes.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  if (typeof a !== "string" || typeof b !== "string") return false;
  return timingSafeEqual(sha256Bytes(a), sha256Bytes(b));
}
