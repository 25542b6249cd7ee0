import { describe, expect, it } from "vitest";
import { spawnTsx } from "@/lib/testing/processes";

// Start-up errors a person can fix are one actionable line on stderr and exit code 1.
describe("start-up configuration errors", () => {
  const keys = { ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64"), AUTH_SECRET: "a".repeat(40) };

  it("an unreachable DATABASE_URL", async () => {
    const p = spawnTsx("lib/jobs/worker-main.ts", { DATABASE_URL: "postgres://nope", ...keys });
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
    for (const env of [{ DATABASE_URL: "postgres://nope", ...keys }, { DATA_DIR: "/tmp/never-used-web-data", ENCRYPTION_KEY: "short" }]) {
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
});
