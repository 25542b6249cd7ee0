// Typed errors for the crypto module.
//
// Messages are written for operators reading logs, so they say what is wrong
// and how to fix it — but they must never contain plaintext, key material or
// the envelope itself (a caller may pass an unencrypted secret to decrypt()).

/** A configured encryption key is missing, badly encoded or the wrong size. */
export class CryptoKeyError extends Error {
  override readonly name = "CryptoKeyError";
  /** Which key in the ring is at fault, e.g. "current" or "previous[1]". */
  readonly keyLabel: string;

  constructor(keyLabel: string, problem: string) {
    super(`encryption key "${keyLabel}" ${problem}`);
    this.keyLabel = keyLabel;
  }
}

export type DecryptionFailureReason = "malformed" | "unknown_key" | "tampered";

/** A value could not be decrypted; `reason` tells callers how to react. */
export class DecryptionError extends Error {
  override readonly name = "DecryptionError";
  readonly reason: DecryptionFailureReason;
  /** Key id from the envelope, when one could be read (never key material). */
  readonly keyId: string | undefined;

  private constructor(reason: DecryptionFailureReason, message: string, keyId?: string) {
    super(message);
    this.reason = reason;
    this.keyId = keyId;
  }

  static malformed(detail: string): DecryptionError {
    return new DecryptionError(
      "malformed",
      `not an encrypted value (expected v1.<keyId>.<iv>.<tag>.<ciphertext> envelope): ${detail}`,
    );
  }

  static unknownKey(keyId: string): DecryptionError {
    return new DecryptionError(
      "unknown_key",
      `encrypted with a key that is not configured (key id ${keyId}); ` +
        `add the old key to the keyring's previous keys to decrypt it`,
      keyId,
    );
  }

  static tampered(keyId: string): DecryptionError {
    return new DecryptionError(
      "tampered",
      "ciphertext was tampered with or the key is wrong " +
        `(or the associated data does not match; key id ${keyId})`,
      keyId,
    );
  }
}
