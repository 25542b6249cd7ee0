import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createCipherKit, CryptoKeyError, DecryptionError, type DecryptionFailureReason } from "./encryption";

// Fixed test keys (never used outside tests).
const KEY_A_HEX = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
const KEY_B_B64 = Buffer.alloc(32, 7).toString("base64");
const KEY_C_B64 = Buffer.alloc(32, 9).toString("base64");

function idOf(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 8);
}

/** Decodes one envelope part, flips a bit in byte `index`, re-encodes it. */
function flipByte(envelope: string, part: 2 | 3 | 4, index = 0): string {
  const parts = envelope.split(".");
  const bytes = Buffer.from(parts[part] ?? "", "base64url");
  bytes[index] = (bytes[index] ?? 0) ^ 0x01;
  parts[part] = bytes.toString("base64url");
  return parts.join(".");
}

function decryptError(fn: () => unknown): DecryptionError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DecryptionError);
    return error as DecryptionError;
  }
  throw new Error("expected a DecryptionError");
}

function expectReason(fn: () => unknown, reason: DecryptionFailureReason): DecryptionError {
  const error = decryptError(fn);
  expect(error.reason).toBe(reason);
  return error;
}

describe("createCipherKit: round trip", () => {
  const kit = createCipherKit({ current: KEY_A_HEX });

  it("decrypts what it encrypts", () => {
    const envelope = kit.encrypt("glpat-secret-token");
    expect(kit.decrypt(envelope)).toBe("glpat-secret-token");
  });

  it("produces a v1 envelope with the key fingerprint and a 12-byte IV", () => {
    const envelope = kit.encrypt("x");
    const [version, keyId, iv, tag, ciphertext, ...rest] = envelope.split(".");
    expect(version).toBe("v1");
    expect(keyId).toBe(idOf(Buffer.from(KEY_A_HEX, "hex")));
    expect(kit.currentKeyId).toBe(keyId);
    expect(Buffer.from(iv ?? "", "base64url")).toHaveLength(12);
    expect(Buffer.from(tag ?? "", "base64url")).toHaveLength(16);
    expect(Buffer.from(ciphertext ?? "", "base64url")).toHaveLength(1);
    expect(rest).toEqual([]);
    expect(envelope).toMatch(/^v1\.[0-9a-f]{8}(\.[A-Za-z0-9_-]+){3}$/);
  });

  it("uses a fresh IV per message, so equal plaintexts give different envelopes", () => {
    const envelopes = new Set(Array.from({ length: 50 }, () => kit.encrypt("same")));
    expect(envelopes.size).toBe(50);
    const ivs = new Set([...envelopes].map((e) => e.split(".")[2]));
    expect(ivs.size).toBe(50);
  });

  it("round-trips unicode, empty and long strings", () => {
    for (const text of ["", "héllo wörld", "日本語のテキスト", "emoji 🔐🚀 and ZWJ 👩‍💻", "a".repeat(100_000), "line\nbreak\0nul"]) {
      expect(kit.decrypt(kit.encrypt(text))).toBe(text);
    }
  });

  it("never puts the plaintext in the envelope", () => {
    const envelope = kit.encrypt("super-secret-value");
    expect(envelope).not.toContain("super-secret-value");
    expect(envelope).not.toContain(Buffer.from("super-secret-value").toString("base64url"));
  });
});

describe("createCipherKit: tampering", () => {
  const kit = createCipherKit({ current: KEY_A_HEX });
  const envelope = kit.encrypt("the quick brown fox");

  it.each([
    ["ciphertext", 4, 0],
    ["ciphertext (last byte)", 4, 18],
    ["tag", 3, 0],
    ["tag (last byte)", 3, 15],
    ["iv", 2, 0],
    ["iv (last byte)", 2, 11],
  ] as const)("flipping a byte in the %s → tampered", (_name, part, index) => {
    const error = expectReason(() => kit.decrypt(flipByte(envelope, part, index)), "tampered");
    expect(error.message).toContain("ciphertext was tampered with or the key is wrong");
    expect(error.keyId).toBe(kit.currentKeyId);
  });

  it("truncated or extended ciphertext → tampered", () => {
    const parts = envelope.split(".");
    const ct = Buffer.from(parts[4] ?? "", "base64url");
    const shorter = [...parts.slice(0, 4), ct.subarray(0, ct.length - 1).toString("base64url")].join(".");
    const longer = [...parts.slice(0, 4), Buffer.concat([ct, Buffer.from([0])]).toString("base64url")].join(".");
    expectReason(() => kit.decrypt(shorter), "tampered");
    expectReason(() => kit.decrypt(longer), "tampered");
  });

  it("error messages never contain the plaintext or key material", () => {
    const error = expectReason(() => kit.decrypt(flipByte(envelope, 4)), "tampered");
    expect(error.message).not.toContain("quick brown fox");
    expect(error.message).not.toContain(KEY_A_HEX);
    expect(error.message).not.toContain(Buffer.from(KEY_A_HEX, "hex").toString("base64"));
  });
});

describe("createCipherKit: wrong key and rotation", () => {
  it("a ring without the encrypting key → unknown_key naming the key id", () => {
    const encrypted = createCipherKit({ current: KEY_A_HEX }).encrypt("secret");
    const other = createCipherKit({ current: KEY_B_B64 });
    const error = expectReason(() => other.decrypt(encrypted), "unknown_key");
    const keyId = idOf(Buffer.from(KEY_A_HEX, "hex"));
    expect(error.keyId).toBe(keyId);
    expect(error.message).toContain(`encrypted with a key that is not configured (key id ${keyId})`);
  });

  it("an envelope pointing at the wrong ring key → tampered (wrong key)", () => {
    const kitA = createCipherKit({ current: KEY_A_HEX, previous: [KEY_B_B64] });
    const kitB = createCipherKit({ current: KEY_B_B64 });
    const fromA = kitA.encrypt("secret").split(".");
    fromA[1] = kitB.currentKeyId; // claims key B, but was encrypted with key A
    const error = expectReason(() => kitA.decrypt(fromA.join(".")), "tampered");
    expect(error.message).toContain("the key is wrong");
  });

  it("a value encrypted with an old key decrypts after rotation", () => {
    const before = createCipherKit({ current: KEY_A_HEX });
    const oldValue = before.encrypt("rotate me", "users:1:token");

    const after = createCipherKit({ current: KEY_B_B64, previous: [KEY_C_B64, KEY_A_HEX] });
    expect(after.decrypt(oldValue, "users:1:token")).toBe("rotate me");
    expect(after.needsRotation(oldValue)).toBe(true);

    const reencrypted = after.encrypt(after.decrypt(oldValue, "users:1:token"), "users:1:token");
    expect(reencrypted.split(".")[1]).toBe(after.currentKeyId);
    expect(after.needsRotation(reencrypted)).toBe(false);
    // Once the old key is dropped, only re-encrypted values still work.
    const dropped = createCipherKit({ current: KEY_B_B64 });
    expect(dropped.decrypt(reencrypted, "users:1:token")).toBe("rotate me");
    expectReason(() => dropped.decrypt(oldValue, "users:1:token"), "unknown_key");
  });

  it("exposes key ids, current first, and dedupes a key listed twice", () => {
    const kit = createCipherKit({ current: KEY_B_B64, previous: [KEY_A_HEX, KEY_B_B64] });
    expect(kit.keyIds).toEqual([idOf(Buffer.alloc(32, 7)), idOf(Buffer.from(KEY_A_HEX, "hex"))]);
  });

  it("the same key in hex and base64 has the same key id", () => {
    const hex = createCipherKit({ current: KEY_A_HEX });
    const b64 = createCipherKit({ current: Buffer.from(KEY_A_HEX, "hex").toString("base64") });
    expect(b64.currentKeyId).toBe(hex.currentKeyId);
    expect(b64.decrypt(hex.encrypt("same key"))).toBe("same key");
  });
});

describe("createCipherKit: AAD", () => {
  const kit = createCipherKit({ current: KEY_A_HEX });
  const aad = "gitlab_connections:42:access_token";

  it("round-trips with matching AAD", () => {
    expect(kit.decrypt(kit.encrypt("tok", aad), aad)).toBe("tok");
  });

  it("fails as tampered when the AAD differs or is missing", () => {
    const envelope = kit.encrypt("tok", aad);
    expectReason(() => kit.decrypt(envelope, "gitlab_connections:43:access_token"), "tampered");
    expectReason(() => kit.decrypt(envelope), "tampered");
    expectReason(() => kit.decrypt(kit.encrypt("tok"), aad), "tampered");
  });
});

describe("createCipherKit: malformed envelopes", () => {
  const kit = createCipherKit({ current: KEY_A_HEX });
  const good = kit.encrypt("hello").split(".");
  const withPart = (index: number, value: string) =>
    good.map((part, i) => (i === index ? value : part)).join(".");

  it.each([
    ["empty string", ""],
    ["plain secret", "glpat-abcdefghijklmnop"],
    ["wrong version", withPart(0, "v2")],
    ["missing version", good.slice(1).join(".")],
    ["too few parts", good.slice(0, 4).join(".")],
    ["too many parts", [...good, "extra"].join(".")],
    ["uppercase key id", withPart(1, (good[1] ?? "").toUpperCase().replace(/[0-9]/g, "A"))],
    ["short key id", withPart(1, "abc")],
    ["non-base64url iv", withPart(2, "!!!!")],
    ["padded iv", withPart(2, `${good[2]}=`)],
    ["short iv", withPart(2, Buffer.alloc(8).toString("base64url"))],
    ["long tag", withPart(3, Buffer.alloc(20).toString("base64url"))],
    ["empty tag", withPart(3, "")],
    ["base64 (not url) ciphertext", withPart(4, "ab+/")],
    ["impossible base64 length", withPart(4, "abcde")],
  ])("%s → malformed", (_name, value) => {
    const error = expectReason(() => kit.decrypt(value), "malformed");
    expect(error.message).toContain("not an encrypted value (expected v1.");
  });

  it("does not echo a plain secret passed by mistake", () => {
    const error = expectReason(() => kit.decrypt("glpat-abcdefghijklmnop"), "malformed");
    expect(error.message).not.toContain("glpat");
  });

  it("rejects non-string input at runtime", () => {
    expectReason(() => kit.decrypt(null as unknown as string), "malformed");
    expectReason(() => kit.decrypt(42 as unknown as string), "malformed");
    expectReason(() => kit.needsRotation(undefined as unknown as string), "malformed");
  });
});

describe("createCipherKit: key validation", () => {
  function keyError(keys: Parameters<typeof createCipherKit>[0]): CryptoKeyError {
    try {
      createCipherKit(keys);
    } catch (error) {
      expect(error).toBeInstanceOf(CryptoKeyError);
      return error as CryptoKeyError;
    }
    throw new Error("expected a CryptoKeyError");
  }

  it("accepts hex (any case), base64, unpadded base64 and base64url, trimming whitespace", () => {
    const raw = Buffer.from("fbff" + "ab".repeat(30), "hex");
    for (const key of [
      raw.toString("hex"),
      raw.toString("hex").toUpperCase(),
      raw.toString("base64"),
      raw.toString("base64").replace(/=+$/, ""),
      raw.toString("base64url"),
      `  ${raw.toString("base64")}\n`,
    ]) {
      expect(createCipherKit({ current: key }).currentKeyId).toBe(idOf(raw));
    }
  });

  it.each([
    ["empty", "", /"current" is empty/],
    ["whitespace only", "   ", /"current" is empty/],
    ["short hex", "ab".repeat(16), /"current" looks like hex but has 32 characters/],
    ["long hex", "ab".repeat(33), /looks like hex but has 66 characters/],
    ["16-byte base64", Buffer.alloc(16, 1).toString("base64"), /is base64 but decodes to 16 bytes/],
    ["64-byte base64", Buffer.alloc(64, 1).toString("base64"), /is base64 but decodes to 64 bytes/],
    ["passphrase", "correct horse battery staple", /is neither valid hex nor valid base64/],
    ["non-canonical base64", `${Buffer.alloc(32, 1).toString("base64").slice(0, 42)}B=`, /neither valid hex nor valid base64/],
  ])("rejects a %s key with a message naming the problem", (_name, key, message) => {
    const error = keyError({ current: key });
    expect(error.keyLabel).toBe("current");
    expect(error.message).toMatch(message);
    expect(error.message).toContain("32 bytes");
    if (key.trim()) expect(error.message).not.toContain(key.trim());
  });

  it("names the bad previous key by index", () => {
    const error = keyError({ current: KEY_A_HEX, previous: [KEY_B_B64, "nope"] });
    expect(error.keyLabel).toBe("previous[1]");
    expect(error.message).toMatch(/"previous\[1\]"/);
  });

  it("rejects non-string keys and a non-array previous", () => {
    expect(keyError({ current: undefined as unknown as string }).message).toMatch(/"current" must be a string \(got undefined\)/);
    expect(keyError({ current: KEY_A_HEX, previous: "x" as unknown as string[] }).keyLabel).toBe("previous");
  });
});
