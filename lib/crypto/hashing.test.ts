import { describe, expect, it } from "vitest";
import { constantTimeEqual, sha256Hex } from "./hashing";

describe("sha256Hex", () => {
  it("matches known test vectors", () => {
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("hashes the UTF-8 encoding of unicode input", () => {
    // "é" is 0xc3 0xa9 in UTF-8; Latin-1 hashing would give a different digest.
    expect(sha256Hex("é")).toBe("4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c");
    expect(sha256Hex("é")).not.toBe("de2e331d891ae267a7009cb45b4e8830f170e0c937288ea2731a1941c7a53b0d");
  });
});

describe("constantTimeEqual", () => {
  it("is true for equal strings", () => {
    expect(constantTimeEqual("ohk_secret", "ohk_secret")).toBe(true);
    expect(constantTimeEqual("", "")).toBe(true);
    expect(constantTimeEqual("日本🔐", "日本🔐")).toBe(true);
  });

  it("is false for different strings of the same length", () => {
    expect(constantTimeEqual("ohk_secret", "ohk_secreT")).toBe(false);
    expect(constantTimeEqual("aaaa", "aaab")).toBe(false);
  });

  it("is false (and does not throw) for different lengths", () => {
    expect(constantTimeEqual("short", "much longer value")).toBe(false);
    expect(constantTimeEqual("", "x")).toBe(false);
    expect(constantTimeEqual("abc", "abcd")).toBe(false);
  });

  it("is false for non-string input instead of throwing", () => {
    expect(constantTimeEqual(undefined as unknown as string, "")).toBe(false);
    expect(constantTimeEqual("x", null as unknown as string)).toBe(false);
  });
});
