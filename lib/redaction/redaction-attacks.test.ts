import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { Redactor, runSecrets } from ".";

/**
 * Attack 13: an agent that wants the run's secret out, disguising it so the redactor's plain search
 * misses it. Each case prints the disguise inside ordinary output; the redacted text must not let
 * a reader get the secret back.
 */
const token = "a3f9c1e07b5d42e8a1c9f0e3b7d6a2c4e8f1b0d9c7a6e5f4b3a2c1d0e9f8a7b6";
const custom = "glpat-Secr3tValueFromTheUser"; // a user's custom GITLAB_TOKEN
const r = new Redactor(runSecrets({ oauthToken: token, secrets: { GITLAB_TOKEN: custom }, env: {} }));

const interleave = (s: string, glue: string): string => [...s].join(glue);
const percentEvery = (s: string): string => [...Buffer.from(s)].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");
const jsonEscaped = (s: string): string => [...s].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("");
const cyrillic = (s: string): string => s.replace(/a/g, "а").replace(/e/g, "е").replace(/c/g, "с");
const fullWidth = (s: string): string => [...s].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join("");
const b64 = (s: string): string => Buffer.from(s).toString("base64");

describe("redaction attacks", () => {
  const disguises: Record<string, (s: string) => string> = {
    "zero-width spaces interleaved": (s) => interleave(s, "\u200b"),
    "zero-width joiners and BOMs": (s) => interleave(s, "\u200d\ufeff"),
    "soft hyphens": (s) => interleave(s, "\u00ad"),
    "full-width letters": fullWidth,
    "Cyrillic look-alikes": cyrillic,
    reversed: (s) => [...s].reverse().join(""),
    "upper case": (s) => s.toUpperCase(),
    "upper-case hex": (s) => Buffer.from(s).toString("hex").toUpperCase(),
    "percent-encoding of every byte": percentEvery,
    "percent-encoding of every byte, upper case": (s) => percentEvery(s).toUpperCase(),
    "JSON \\u escapes of every char": jsonEscaped,
    "JSON escape of the first char only": (s) => `\\u${s.charCodeAt(0).toString(16).padStart(4, "0")}${s.slice(1)}`,
    "HTML entities": (s) => [...s].map((c) => `&#${c.charCodeAt(0)};`).join(""),
    "broken over a line": (s) => `${s.slice(0, 10)}\n${s.slice(10)}`,
    "one char per line": (s) => interleave(s, "\n"),
    "spaced out": (s) => interleave(s, " "),
    "base64url": (s) => Buffer.from(`x${s}`).toString("base64url"),
    "base64 wrapped at 64": (s) => b64(`${"filler ".repeat(8)}${s}${" more".repeat(8)}`).replace(/(.{64})/g, "$1\n"),
    "base64 wrapped at 76": (s) => b64(`${"filler ".repeat(8)}${s}${" more".repeat(8)}`).replace(/(.{76})/g, "$1\n"),
    "in a URL's user info": (s) => `https://oauth2:${s}@gitlab.example.com/group/project.git`,
    "in a markdown link": (s) => `[click](https://example.com/?t=${encodeURIComponent(s)})`,
  };

  for (const secret of [token, custom]) {
    for (const [name, disguise] of Object.entries(disguises)) {
      it(`${name}: ${secret.slice(0, 6)}…`, () => {
        const out = r.text(`Here is what I found:\n${disguise(secret)}\nThat is all.`);
        expect(out).toContain("[redacted]");
        // nothing of the secret is recoverable by undoing the same disguise
        expect(r.reveals(out), out).toBe(false);
        // the rest of the output survives when the disguise fits on one line
        if (!name.includes("line") && !name.includes("wrapped")) expect(out).toContain("That is all.");
      });
    }
  }

  // A long run of base64 characters holding no secret took quadratic time (160 000 `A`s: a minute of
  // a blocked worker). Two megabytes now pass in well under the test's time limit; no timing is
  // asserted here (bench/ measures speed), a regression shows as this test timing out.
  it("a two-megabyte run of base64 characters, or of wrapped base64 lines, is handled without blocking", () => {
    const run = "A".repeat(2_000_000);
    expect(r.text(run)).toBe(run);
    expect(r.reveals(run)).toBe(false);
    const wrapped = `${"B".repeat(76)}\n`.repeat(20_000);
    expect(r.text(wrapped)).toBe(wrapped);
    expect(r.text(`x ${run}${b64(custom)}`)).toBe("x [redacted]");
  });

  it("someone else's token (a known shape) disguised with invisible characters or look-alikes: redacted by a run's redactor", () => {
    const foreign = `glpat-${"Zx9".repeat(8)}`;
    for (const disguised of [interleave(foreign, "\u200b"), cyrillic(foreign.replace("glpat", "glpаt")), percentEvery(foreign)]) {
      const out = r.text(`found: ${disguised}\nnext line`);
      expect(out).toBe("[redacted]\nnext line");
    }
  });

  it("leaves ordinary text alone (no false positive from the canonical view)", () => {
    const text = "I changed src/app.ts: the %20 in the URL is now a space, and \\u00e9 is é.\nAll tests pass.";
    expect(r.text(text)).toBe(text);
  });

  it("reveals() finds the run's secret in pushed content but not a token-shaped fixture", () => {
    expect(r.reveals(`const t = "${custom}";`)).toBe(true);
    expect(r.reveals(b64(`oauth2:${token}`))).toBe(true);
    expect(r.reveals(`const fixture = "glpat-${"x".repeat(20)}";`)).toBe(false);
  });

  // Accepted as unfixable: a compressed (or encrypted, or XOR-ed) secret is indistinguishable from
  // any other binary; no text search can find it. The defence is that the agent's token is scoped
  // to what the owner may do anyway, and the sandbox keeps everything else from it (README).
  it("gzip+base64 is NOT caught (documented limit)", () => {
    const packed = gzipSync(Buffer.from(token)).toString("base64");
    expect(r.text(packed)).toBe(packed);
  });

  // Accepted: each event is redacted on its own, so a secret printed half in one event and half in
  // the next passes (each half alone is no known shape). Stateful joining would still have let the
  // first half out before the second arrived.
  it("a secret split across two separate texts is NOT caught (documented limit)", () => {
    expect(r.text(token.slice(0, 32))).toBe(token.slice(0, 32));
    expect(r.text(token.slice(32))).toBe(token.slice(32));
  });
});
