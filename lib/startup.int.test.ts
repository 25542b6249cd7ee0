import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { spawnTsx } from "@/lib/testing/processes";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === "object" && addr ? addr.port : 0));
    });
  });
}

// Start-up errors a person can fix are one actionable line on stderr and exit code 1.
describe("start-up configuration errors", () => {
  const keys = { ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64"), AUTH_SECRET: "a".repeat(40) };
  // A complete deployment besides the part each case gets wrong (issue 13: no demo, no default agent).
  const deployment = { ...keys, GITLAB_CLIENT_ID: "app-id", GITLAB_CLIENT_SECRET: "app-secret", AGENT_RUNTIME: "scripted" };

  it("an unreachable DATABASE_URL", async () => {
    const p = spawnTsx("lib/jobs/worker-main.ts", { DATABASE_URL: "postgres://nope", ...deployment });
    expect(await p.exited).toBe(1);
    const lines = p.output().trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Cannot connect to the database at postgres:\/\/nope: .*Check DATABASE_URL/);
  });

  it("a short ENCRYPTION_KEY", async () => {
    const p = spawnTsx("lib/jobs/worker-main.ts", { DATABASE_URL: "postgres://localhost/x", ENCRYPTION_KEY: "short", AUTH_SECRET: keys.AUTH_SECRET });
    expect(await p.exited).toBe(1);
    expect(p.output().trim()).toMatch(/^Invalid configuration: ENCRYPTION_KEY must be 32 random bytes[^\n]*\(got 5 characters\)$/);
  });

  it("the web process's boot (instrumentation.ts) fails the same way", async () => {
    for (const env of [{ DATABASE_URL: "postgres://nope", ...deployment }, { DATA_DIR: "/tmp/never-used-web-data", ENCRYPTION_KEY: "short" }]) {
      const p = spawnTsx("lib/testing/boot-web-main.ts", env);
      expect(await p.exited).toBe(1);
      const lines = p.output().trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^(Cannot connect to the database at postgres:\/\/nope: .*Check DATABASE_URL|Invalid configuration: ENCRYPTION_KEY must be 32 random bytes.*)/);
    }
  });

  it("the worker refuses to run on the embedded database, saying why", async () => {
    const p = spawnTsx("lib/jobs/worker-main.ts", { DATA_DIR: "/tmp/never-used-worker-data" });
    expect(await p.exited).toBe(1);
    expect(p.output().trim()).toMatch(/^npm run worker needs DATABASE_URL/);
  });

  it("an OAuth app configured and no agent chosen: exit 1 with one line naming AGENT_RUNTIME/AGENT_PRESET and the choices", async () => {
    const p = spawnTsx("lib/testing/boot-web-main.ts", { DATA_DIR: mkdtempSync(join(tmpdir(), "no-agent-")), GITLAB_CLIENT_ID: "app-id", GITLAB_CLIENT_SECRET: "app-secret" });
    expect(await p.exited).toBe(1);
    const lines = p.output().trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(
      "Invalid configuration: no agent chosen: set AGENT_RUNTIME=command with AGENT_PRESET=openhands, claude-code, codex, gemini, opencode or custom (AGENT_RUNTIME=scripted is the test agent, for tests and the demo only)",
    );
  });

  it("DATABASE_URL and no OAuth app: exit 1 with one line, and no demo GitLab was started", async () => {
    const demoPort = await freePort();
    const p = spawnTsx("lib/testing/boot-web-main.ts", { DATABASE_URL: "postgres://127.0.0.1:1/app", ...keys, DEMO_SANDBOX_PORT: String(demoPort), AGENT_RUNTIME: "scripted" });
    expect(await p.exited).toBe(1);
    const lines = p.output().trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Invalid configuration: DATABASE_URL is set but no GitLab OAuth application is: set GITLAB_CLIENT_ID and GITLAB_CLIENT_SECRET/);
    // Nothing listens where the demo's GitLab stand-in would have.
    await expect(fetch(`http://127.0.0.1:${demoPort}/api/v4/version`)).rejects.toThrow();
  });
});
