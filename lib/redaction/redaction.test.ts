import { describe, expect, it } from "vitest";
import { Redactor, runSecrets, shapeRedactor } from ".";

const token = "a3f9c1e07b5d42e8a1c9f0e3b7d6a2c4e8f1b0d9c7a6e5f4b3a2c1d0e9f8a7b6"; // GitLab OAuth shape
const custom = "my-custom-secret-value-42";

describe("Redactor", () => {
  const r = new Redactor(runSecrets({ oauthToken: token, secrets: { GITLAB_TOKEN: custom }, env: {} }));

  it("removes a run secret plain, base64 (both alphabets, any offset), URL-encoded and hex", () => {
    const b64 = (s: string) => Buffer.from(s).toString("base64");
    const leaks = [
      custom,
      b64(custom),
      b64(`oauth2:${custom}`),
      b64(`x${custom}`),
      b64(`xy${custom}!!`),
      b64(`export GITLAB_TOKEN=${custom}\n`).replace(/\+/g, "-").replace(/\//g, "_"),
      encodeURIComponent(`p@ss ${custom}`),
      Buffer.from(custom).toString("hex"),
      Buffer.from(custom).toString("hex").toUpperCase(),
    ];
    for (const leak of leaks) {
      const out = r.text(`here it is: ${leak} done`);
      expect(out, leak).toContain("[redacted]");
      expect(Buffer.from(out.replace(/[^A-Za-z0-9+/=]/g, ""), "base64").toString("latin1")).not.toContain(custom);
    }
    for (const leak of leaks) expect(r.text(leak)).not.toMatch(/my-custom-secret/);
  });

  it("removes a token base64-encoded by `base64` with its line wrapping", () => {
    const long = new Redactor([{ name: "t", value: "x".repeat(30) + custom + "y".repeat(30) }]);
    const wrapped = Buffer.from(`GITLAB_TOKEN=${"x".repeat(30)}${custom}${"y".repeat(30)}\n`).toString("base64").replace(/(.{76})/g, "$1\n");
    expect(wrapped.split("\n").length).toBeGreaterThan(1);
    const out = long.text(`before\n${wrapped}\nafter`);
    expect(out).toBe("before\n[redacted]\nafter");
  });

  it("removes well-known token shapes that are not the run's", () => {
    const samples = [
      "glpat-z_sxgtrfAxKr8q1TPY8Y",
      "glrt-t1_AbCdEfGhIjKlMnOpQrSt",
      "gloas-0123456789abcdef0123",
      "glcbt-64_AbCdEfGhIjKlMnOp",
      "sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWx",
      "sk-proj-AbCdEfGhIjKlMnOpQrSt",
      "ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
      "github_pat_11ABCDEFG0123456789_abcdefghij",
      "0".repeat(20) + "ab".repeat(22),
      "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----",
    ];
    for (const s of samples) expect(shapeRedactor.text(`x ${s} y`)).toBe("x [redacted] y");
  });

  it("leaves ordinary text, commit SHAs and short values alone", () => {
    const text = "Fixed the bug in src/app.ts (commit 3f2a1b9c0d4e5f60718293a4b5c6d7e8f9012345); skip-list updated.";
    expect(r.text(text)).toBe(text);
    expect(new Redactor([{ name: "short", value: "yes" }]).text("yes yes")).toBe("yes yes");
  });

  it("makes valid branch names and redacts every string of an event", () => {
    expect(r.branchName(`openhands/issue-1-${custom}`)).toBe("openhands/issue-1-redacted");
    expect(r.event({ kind: "command", command: `echo ${token}`, output: [`x ${custom}`] })).toEqual({ kind: "command", command: "echo [redacted]", output: ["x [redacted]"] });
  });

  it("covers the deployment's model key and bot token", () => {
    const d = new Redactor(runSecrets({ env: { AGENT_MODEL_API_KEY_ENV: "LLM_KEY", LLM_KEY: "model-key-123456", GITLAB_BOT_TOKEN: "bot-token-abcdef" } }));
    expect(d.text("model-key-123456 bot-token-abcdef")).toBe("[redacted] [redacted]");
  });
});
