// AES-256-GCM encryption of secrets at rest (e.g. GitLab access tokens).
//
// Usage:
//   const kit = createCipherKit({ current: env.ENCRYPTION_KEY, previous: [oldKey] });
//   const stored = kit.encrypt(token, `gitlab_connections:${id}:access_token`);
//   const token = kit.decrypt(stored, `gitlab_connections:${id}:access_token`);
//
// Rotation: put the new key in `current` and move the old one to `previous`.
// Old values keep decrypting; `needsRotation()` finds values to re-encrypt.
//
// AAD binds a ciphertext to where it is stored, so a value copied into another
// row or column fails to decrypt instead of silently being accepted. Note that
// GCM treats an empty AAD exactly like no AAD, so "" and undefined match.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { DecryptionError } from "./errors";
import { formatEnvelope, IV_BYTES, parseEnvelope, TAG_BYTES } from "./envelope";
import { buildKeyring, type KeyringInput } from "./keyring";

export { CryptoKeyError, DecryptionError, type DecryptionFailureReason } from "./errors";
export type { KeyringInput } from "./keyring";

const ALGORITHM = "aes-256-gcm";

export interface CipherKit {
  /** Encrypts with the current key; returns a `v1.…` envelope string. */
  encrypt(plaintext: string, aad?: string): string;
  /** Decrypts an envelope with whichever ring key it names. Throws DecryptionError. */
  decrypt(envelope: string, aad?: string): string;
  /** Id of the key new values are encrypted with. */
  readonly currentKeyId: string;
  /** Ids of every key that can decrypt (current first). */
  readonly keyIds: readonly string[];
  /**
   * True if the envelope was written with a key other than the current one
   * and should be re-encrypted. Throws DecryptionError("malformed") if it is
   * not an envelope at all.
   */
  needsRotation(envelope: string): boolean;
}

/**
 * Builds an encrypt/decrypt pair over a keyring. Validates every key eagerly
 * and throws CryptoKeyError naming the bad key, so misconfiguration surfaces
 * at startup rather than on the first decrypt.
 */
export function createCipherKit(keys: KeyringInput): CipherKit {
  const ring = buildKeyring(keys);

  function encrypt(plaintext: string, aad?: string): string {
    if (typeof plaintext !== "string") throw new TypeError("encrypt() expects a string plaintext");
    // A fresh random IV per message: reusing an IV with the same GCM key
    // leaks plaintext XORs and allows tag forgery.
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, ring.current.material, iv, { authTagLength: TAG_BYTES });
    if (aad !== undefined) cipher.setAAD(Buffer.from(aad, "utf8"));
    const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return formatEnvelope({ keyId: ring.current.id, iv, tag: cipher.getAuthTag(), ciphertext });
  }

  function decrypt(envelope: string, aad?: string): string {
    const parsed = parseEnvelope(envelope);
    const key = ring.byId.get(parsed.keyId);
    if (!key) throw DecryptionError.unknownKey(parsed.keyId);

    const decipher = createDecipheriv(ALGORITHM, key.material, parsed.iv, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(parsed.tag);
    if (aad !== undefined) decipher.setAAD(Buffer.from(aad, "utf8"));
    let plaintext: Buffer;
    try {
      plaintext = Buffer.concat([decipher.update(parsed.ciphertext), decipher.final()]);
    } catch {
      // final() throws when the tag does not verify; Node's message is vague,
      // so replace it with one that says what to check.
      throw DecryptionError.tampered(parsed.keyId);
    }
    return plaintext.toString("utf8");
  }

  function needsRotation(envelope: string): boolean {
    return parseEnvelope(envelope).keyId !== ring.current.id;
  }

  return {
    encrypt,
    decrypt,
    needsRotation,
    currentKeyId: ring.current.id,
    keyIds: Object.freeze([...ring.byId.keys()]),
  };
}
