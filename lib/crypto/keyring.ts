// Parses and validates the encryption keyring (current key + retired keys).
//
// Keys arrive from environment variables, so they are validated strictly and
// every failure names the offending key and what is wrong with it, without
// ever echoing the key itself.
import { createHash } from "node:crypto";
import { CryptoKeyError } from "./errors";

export const KEY_BYTES = 32;
const HEX_KEY_CHARS = KEY_BYTES * 2;
const BASE64_KEY_CHARS = Math.ceil(KEY_BYTES / 3) * 4; // 44 with padding

const EXPECTED = `expected ${KEY_BYTES} bytes encoded as ${HEX_KEY_CHARS} hex characters or ${BASE64_KEY_CHARS} base64 characters`;

export interface KeyringInput {
  current: string;
  previous?: string[];
}

export interface RingKey {
  /** Short, stable fingerprint written into every envelope. */
  readonly id: string;
  readonly material: Buffer;
}

export interface Keyring {
  readonly current: RingKey;
  /** All usable keys (current first), indexed by id. */
  readonly byId: ReadonlyMap<string, RingKey>;
}

/**
 * First 8 hex chars of SHA-256 over the raw key bytes. 32 bits is plenty to
 * tell a handful of ring keys apart and reveals nothing useful about a
 * 256-bit key.
 */
export function keyIdFor(material: Buffer): string {
  return createHash("sha256").update(material).digest("hex").slice(0, 8);
}

const HEX_RE = /^[0-9a-fA-F]+$/;
const BASE64_STD_RE = /^[A-Za-z0-9+/]+={0,2}$/;
const BASE64_URL_RE = /^[A-Za-z0-9_-]+={0,2}$/;

/** Strict base64 / base64url decode; returns undefined if not canonical. */
function decodeBase64Strict(text: string): Buffer | undefined {
  if (!BASE64_STD_RE.test(text) && !BASE64_URL_RE.test(text)) return undefined;
  const unpadded = text.replace(/=+$/, "");
  if (unpadded.length % 4 === 1) return undefined;
  if (text.includes("=") && text.length % 4 !== 0) return undefined;
  const standard = unpadded.replace(/-/g, "+").replace(/_/g, "/");
  const bytes = Buffer.from(standard, "base64");
  // Buffer.from silently ignores junk and non-zero trailing bits; re-encoding
  // and comparing rejects anything that is not exactly what we decoded.
  if (bytes.toString("base64").replace(/=+$/, "") !== standard) return undefined;
  return bytes;
}

/** Decodes one key, throwing a CryptoKeyError that explains the problem. */
export function parseKey(raw: unknown, label: string): Buffer {
  if (typeof raw !== "string") {
    throw new CryptoKeyError(label, `must be a string (got ${raw === null ? "null" : typeof raw})`);
  }
  // Trailing newlines/spaces are a common copy-paste accident in .env files.
  const text = raw.trim();
  if (text.length === 0) {
    throw new CryptoKeyError(label, `is empty; ${EXPECTED} (generate one with generateKeyMaterial())`);
  }

  if (HEX_RE.test(text)) {
    if (text.length === HEX_KEY_CHARS) return Buffer.from(text, "hex");
    // An all-hex string can still be valid base64 by coincidence.
    const asBase64 = decodeBase64Strict(text);
    if (asBase64?.length === KEY_BYTES) return asBase64;
    throw new CryptoKeyError(
      label,
      `looks like hex but has ${text.length} characters; ${EXPECTED}`,
    );
  }

  const bytes = decodeBase64Strict(text);
  if (bytes === undefined) {
    throw new CryptoKeyError(label, `is neither valid hex nor valid base64; ${EXPECTED}`);
  }
  if (bytes.length !== KEY_BYTES) {
    throw new CryptoKeyError(
      label,
      `is base64 but decodes to ${bytes.length} bytes; ${EXPECTED}`,
    );
  }
  return bytes;
}

/** Validates the whole ring up front so misconfiguration fails at startup. */
export function buildKeyring(input: KeyringInput): Keyring {
  if (typeof input !== "object" || input === null) {
    throw new CryptoKeyError("current", "is missing (keyring must be { current, previous? })");
  }
  const previous: unknown = input.previous ?? [];
  if (!Array.isArray(previous)) {
    throw new CryptoKeyError("previous", "must be an array of keys");
  }

  const labelled: Array<[string, unknown]> = [
    ["current", input.current],
    ...previous.map((key, i): [string, unknown] => [`previous[${i}]`, key]),
  ];

  const byId = new Map<string, RingKey>();
  let current: RingKey | undefined;
  for (const [label, raw] of labelled) {
    const material = parseKey(raw, label);
    const id = keyIdFor(material);
    const existing = byId.get(id);
    if (existing) {
      // Same key listed twice (e.g. current also left in previous) is harmless.
      if (existing.material.equals(material)) continue;
      throw new CryptoKeyError(
        label,
        `has the same key id (${id}) as another key in the ring; generate a new key`,
      );
    }
    const key: RingKey = { id, material };
    byId.set(id, key);
    current ??= key; // "current" is always the first entry
  }

  if (!current) throw new CryptoKeyError("current", "could not be loaded");
  return { current, byId };
}
