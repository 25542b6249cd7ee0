// The versioned ciphertext envelope: v1.<keyId>.<iv>.<tag>.<ciphertext>
//
// The version prefix lets us change algorithm or layout later without
// guessing; the key id lets decrypt pick the right key after rotation.
// All binary parts are unpadded base64url so the envelope is safe in URLs,
// JSON and text columns, and "." never appears inside a part.
import { DecryptionError } from "./errors";

export const ENVELOPE_VERSION = "v1";
export const IV_BYTES = 12; // 96-bit IV is the GCM standard
export const TAG_BYTES = 16; // full 128-bit tag; shorter tags weaken GCM

export interface Envelope {
  keyId: string;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

const KEY_ID_RE = /^[0-9a-f]{8}$/;
const BASE64URL_RE = /^[A-Za-z0-9_-]*$/;

export function formatEnvelope(envelope: Envelope): string {
  return [
    ENVELOPE_VERSION,
    envelope.keyId,
    envelope.iv.toString("base64url"),
    envelope.tag.toString("base64url"),
    envelope.ciphertext.toString("base64url"),
  ].join(".");
}

/** Strict base64url: rejects padding, junk and non-canonical trailing bits. */
function decodePart(text: string, name: string): Buffer {
  if (!BASE64URL_RE.test(text) || text.length % 4 === 1) {
    throw DecryptionError.malformed(`${name} is not base64url`);
  }
  const bytes = Buffer.from(text, "base64url");
  if (bytes.toString("base64url") !== text) {
    throw DecryptionError.malformed(`${name} is not canonical base64url`);
  }
  return bytes;
}

/** Parses an envelope; throws DecryptionError("malformed") on any problem. */
export function parseEnvelope(value: unknown): Envelope {
  if (typeof value !== "string") {
    throw DecryptionError.malformed(`got ${value === null ? "null" : typeof value} instead of a string`);
  }
  const parts = value.split(".");
  const [version, keyId, iv, tag, ciphertext] = parts;
  if (version !== ENVELOPE_VERSION) {
    // Only report a version when it plausibly is one, never echo arbitrary input.
    const detail =
      parts.length === 5 && version !== undefined && /^v\d{1,3}$/.test(version)
        ? `unsupported version ${version}`
        : `missing "${ENVELOPE_VERSION}." prefix`;
    throw DecryptionError.malformed(detail);
  }
  if (parts.length !== 5 || keyId === undefined || iv === undefined || tag === undefined || ciphertext === undefined) {
    throw DecryptionError.malformed(`expected 5 dot-separated parts, got ${parts.length}`);
  }
  if (!KEY_ID_RE.test(keyId)) {
    throw DecryptionError.malformed("key id must be 8 lowercase hex characters");
  }
  const ivBytes = decodePart(iv, "iv");
  if (ivBytes.length !== IV_BYTES) {
    throw DecryptionError.malformed(`iv must be ${IV_BYTES} bytes, got ${ivBytes.length}`);
  }
  const tagBytes = decodePart(tag, "tag");
  if (tagBytes.length !== TAG_BYTES) {
    throw DecryptionError.malformed(`tag must be ${TAG_BYTES} bytes, got ${tagBytes.length}`);
  }
  return { keyId, iv: ivBytes, tag: tagBytes, ciphertext: decodePart(ciphertext, "ciphertext") };
}
