import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "env-"));
const key = Buffer.alloc(32, 7).toString("base64");

describe("parseEnv", () => {
  it("needs nothing in local mode and persists generated keys under DATA_DIR", () => {
    const dir = tmp();
    const a = parseEnv({ DATA_DIR: dir });
    const b = parseEnv({ DATA_DIR: dir });
    expect(a.localMode).toBe(true);
    expect(a.ENCRYPTION_KEY).toBe(b.ENCRYPTION_KEY);
    expect(a.AUTH_SECRET).toBe(b.AUTH_SECRET);
    expect(a.GITLAB_URL).toBe("https://gitlab.com");
    expect(a.demoMode).toBe(true);
    expect(fs.statSync(path.join(dir, "local-secrets.json")).mode & 0o777).toBe(0o600);
  });

  it("names the variable and what is expected for a short ENCRYPTION_KEY, without echoing it", () => {
    const run = () => parseEnv({ DATA_DIR: tmp(), ENCRYPTION_KEY: "short" });
    expect(run).toThrow(EnvError);
    expect(run).toThrow(/^Invalid configuration: ENCRYPTION_KEY must be 32 random bytes .*\(got 5 characters\)$/);
    expect(run).not.toThrow(/short/);
  });

  it("rejects a DATABASE_URL that is not a postgres URL", () => {
    expect(() => parseEnv({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/);
  });

  it("requires shared keys when DATABASE_URL is set", () => {
    expect(() => parseEnv({ DATABASE_URL: "postgres://localhost/app", GITLAB_CLIENT_ID: "a", GITLAB_CLIENT_SECRET: "b", AGENT_RUNTIME: "scripted" })).toThrow(/ENCRYPTION_KEY and AUTH_SECRET must be set when DATABASE_URL is set/);
    const env = parseEnv({ DATABASE_URL: "postgres://localhost/app", ENCRYPTION_KEY: key, AUTH_SECRET: "s".repeat(32), GITLAB_CLIENT_ID: "a", GITLAB_CLIENT_SECRET: "b", AGENT_RUNTIME: "scripted" });
    expect(env.localMode).toBe(false);
  });

  it("turns demo mode off when a GitLab OAuth app is configured, and requires its secret", () => {
    expect(() => parseEnv({ DATA_DIR: tmp(), GITLAB_CLIENT_ID: "abc" })).toThrow(/GITLAB_CLIENT_SECRET is required/);
    const env = parseEnv({ DATA_DIR: tmp(), GITLAB_URL: "https://gitlab.example.com/", GITLAB_CLIENT_ID: "abc", GITLAB_CLIENT_SECRET: "def", AGENT_RUNTIME: "scripted" });
    expect(env.demoMode).toBe(false);
    expect(env.GITLAB_URL).toBe("https://gitlab.example.com");
  });

  it("DEMO_MODE=auto is on only with neither DATABASE_URL nor an OAuth app; a database without one stops start-up", () => {
    expect(parseEnv({ DATA_DIR: tmp() }).demoMode).toBe(true);
    const db = { DATABASE_URL: "postgres://localhost/app", ENCRYPTION_KEY: key, AUTH_SECRET: "s".repeat(32) };
    expect(() => parseEnv(db)).toThrow(/^Invalid configuration: DATABASE_URL is set but no GitLab OAuth application is/);
    expect(parseEnv({ ...db, DEMO_MODE: "on" }).demoMode).toBe(true);
    expect(parseEnv({ ...db, DEMO_MODE: "off", AGENT_RUNTIME: "scripted" }).demoMode).toBe(false);
  });

  it("outside demo mode the agent must be chosen explicitly; the demo defaults to the test agent", () => {
    const oauth = { DATA_DIR: tmp(), GITLAB_CLIENT_ID: "abc", GITLAB_CLIENT_SECRET: "def" };
    expect(() => parseEnv(oauth)).toThrow(/^Invalid configuration: no agent chosen: set AGENT_RUNTIME=command with AGENT_PRESET=openhands, claude-code, codex, gemini, opencode or custom/);
    expect(parseEnv({ ...oauth, AGENT_RUNTIME: "command", AGENT_PRESET: "codex" }).AGENT_RUNTIME).toBe("command");
    expect(parseEnv({ DATA_DIR: tmp() }).AGENT_RUNTIME).toBe("scripted");
  });

  it("rejects a malformed APP_URL and number settings", () => {
    expect(() => parseEnv({ DATA_DIR: tmp(), APP_URL: "localhost:3000" })).toThrow(/APP_URL must be an http\(s\) URL/);
    expect(() => parseEnv({ DATA_DIR: tmp(), JOBS_MAINTENANCE_INTERVAL_SECONDS: "-1" })).toThrow(/JOBS_MAINTENANCE_INTERVAL_SECONDS/);
  });
});
