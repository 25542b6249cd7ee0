import { describe, expect, it } from "vitest";
import { createCipherKit } from "./encryption";
import {
  generateKeyMaterial,
  generateToken,
  MIN_TOKEN_BYTES,
  tokenPrefixForDisplay,
  tokenRandomLength,
} from "./tokens";

describe("generateToken", () => {
  it("starts with the prefix and has a base64url random part of the expected length", () => {
    for (const prefix of ["ohk_", "glhook_"]) {
      const token = generateToken(prefix);
      expect(token.startsWith(prefix)).toBe(true);
      const random = token.slice(prefix.length);
      expect(random).toHaveLength(32); // 24 bytes → 32 base64url chars
      expect(random).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(Buffer.from(random, "base64url")).toHaveLength(24);
    }
  });

  it("honours the byte count", () => {
    expect(generateToken("ohk_", 32)).toHaveLength(4 + tokenRandomLength(32));
    expect(tokenRandomLength(32)).toBe(43);
    expect(generateToken("x", MIN_TOKEN_BYTES)).toHaveLength(1 + 22);
  });

  it("is unique across many calls", () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => generateToken("ohk_")));
    expect(tokens.size).toBe(1000);
  });

  it("rejects weak sizes and unsafe prefixes", () => {
    expect(() => generateToken("ohk_", 8)).toThrow(RangeError);
    expect(() => generateToken("ohk_", 24.5)).toThrow(RangeError);
    expect(() => generateToken("ohk_", 10_000)).toThrow(RangeError);
    expect(() => generateToken("")).toThrow(TypeError);
    expect(() => generateToken("has space_")).toThrow(TypeError);
    expect(() => generateToken("1abc_")).toThrow(TypeError);
  });
});

describe("generateKeyMaterial", () => {
  it("returns 32 random bytes as base64 that createCipherKit accepts", () => {
    const key = generateKeyMaterial();
    expect(key).toHaveLength(44);
    expect(Buffer.from(key, "base64")).toHaveLength(32);
    expect(generateKeyMaterial()).not.toBe(key);
    const kit = createCipherKit({ current: key });
    expect(kit.decrypt(kit.encrypt("ok"))).toBe("ok");
  });
});

describe("tokenPrefixForDisplay", () => {
  it("returns the first n characters", () => {
    const token = "ohk_AbCdEfGhIjKlMnOpQrStUvWxYz012345";
    expect(tokenPrefixForDisplay(token)).toBe("ohk_AbCd");
    expect(tokenPrefixForDisplay(token, 12)).toBe("ohk_AbCdEfGh");
  });

  it("never reveals more than half of a short token", () => {
    expect(tokenPrefixForDisplay("abcdefgh")).toBe("abcd");
    expect(tokenPrefixForDisplay("ab")).toBe("a");
    expect(tokenPrefixForDisplay("a")).toBe("");
    expect(tokenPrefixForDisplay("")).toBe("");
  });

  it("rejects a non-positive length", () => {
    expect(() => tokenPrefixForDisplay("ohk_abc", 0)).toThrow(RangeError);
  });
});
