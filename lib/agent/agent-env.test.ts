import { stat } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildAgentEnv, createAgentHome } from "./agent-env";

const saved = { ...process.env };
beforeEach(() => {
  Object.assign(process.env, { DATABASE_URL: "postgres://x", ENCRYPTION_KEY: "k", AUTH_SECRET: "a", SOME_APP_VAR: "v" });
});
afterEach(() => {
  for (const k of ["DATABASE_URL", "ENCRYPTION_KEY", "AUTH_SECRET", "SOME_APP_VAR"]) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

describe("buildAgentEnv", () => {
  it("holds only the base variables, the secrets and GITLAB_TOKEN", () => {
    const env = buildAgentEnv({ secrets: { API_KEY: "1" }, oauthToken: "oauth", home: "/tmp/h" });
    expect(Object.keys(env).sort()).toEqual(["API_KEY", "GITLAB_TOKEN", "GIT_TERMINAL_PROMPT", "HOME", "LANG", "PATH", "TERM"]);
    expect(env).toMatchObject({ HOME: "/tmp/h", LANG: "C.UTF-8", TERM: "dumb", GIT_TERMINAL_PROMPT: "0", GITLAB_TOKEN: "oauth", API_KEY: "1" });
    expect(env.PATH).toContain(process.env.PATH ?? "");
  });

  it("prefers the user's GITLAB_TOKEN and never lets secrets replace PATH or HOME", () => {
    const env = buildAgentEnv({ secrets: { GITLAB_TOKEN: "custom", PATH: "/evil", HOME: "/evil", "BAD NAME": "x" }, oauthToken: "oauth", home: "/tmp/h", extra: { MODEL_KEY: "m", HOME: "/nope" } });
    expect(env.GITLAB_TOKEN).toBe("custom");
    expect(env.PATH).not.toBe("/evil");
    expect(env.HOME).toBe("/tmp/h");
    expect(env.MODEL_KEY).toBe("m");
    expect(env["BAD NAME"]).toBeUndefined();
    expect(Object.values(env)).not.toContain("oauth");
  });

  it("creates and removes a per-run HOME", async () => {
    const home = await createAgentHome();
    expect((await stat(home.dir)).isDirectory()).toBe(true);
    await home.cleanup();
    await expect(stat(home.dir)).rejects.toThrow();
  });
});
