import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { codexConfigToml, codexPolicyToml, codexSetup, PRESETS } from "./presets";
import type { RuntimeConfig } from "./runtime";

let runDir = "";
const KEY_ENV = "CODEX_PRESET_TEST_KEY";

beforeEach(async () => {
  runDir = await mkdtemp(join(tmpdir(), "codex-preset-"));
});
afterEach(async () => {
  delete process.env[KEY_ENV];
  await rm(runDir, { recursive: true, force: true });
});

const config = (model?: RuntimeConfig["model"]): RuntimeConfig => ({ runtime: "command", preset: "codex", model });

describe("codex preset setup", () => {
  it("writes CODEX_HOME/config.toml for the endpoint, with a private TMPDIR, both inside the run dir", async () => {
    const env = await codexSetup({ prompt: "p", workspaceDir: "/ws", runDir, env: {}, config: config({ baseUrl: "http://127.0.0.1:9/v1", model: "m", apiKeyEnv: KEY_ENV, maxRetries: 0 }) });
    expect(env).toEqual({ CODEX_HOME: join(runDir, "codex-home"), TMPDIR: join(runDir, "tmp") });
    expect((await stat(join(runDir, "tmp"))).isDirectory()).toBe(true);
    const toml = await readFile(join(runDir, "codex-home", "config.toml"), "utf8");
    expect(toml).toBe(
      [
        'model_provider = "agent"',
        'model = "m"',
        "",
        "[model_providers.agent]",
        'name = "agent"',
        'base_url = "http://127.0.0.1:9/v1"',
        'wire_api = "responses"',
        `env_key = "${KEY_ENV}"`,
        "request_max_retries = 0",
        "stream_max_retries = 0",
        "",
        "[shell_environment_policy]",
        'inherit = "all"',
        `exclude = ["${KEY_ENV}"]`,
        "",
        "[analytics]",
        "enabled = false",
        "",
      ].join("\n"),
    );
  });

  it("hands the endpoint key from the app's environment to Codex, and nothing else of it", async () => {
    process.env[KEY_ENV] = "sk-from-the-app";
    const env = await codexSetup({ prompt: "p", workspaceDir: "/ws", runDir, env: {}, config: config({ baseUrl: "http://h/v1", model: "m", apiKeyEnv: KEY_ENV }) });
    expect(env[KEY_ENV]).toBe("sk-from-the-app");
    expect(Object.keys(env).sort()).toEqual(["CODEX_HOME", KEY_ENV, "TMPDIR"].sort());
  });

  it("without an endpoint, still writes the policy (Codex then uses its defaults and a user secret key)", async () => {
    const env = await codexSetup({ prompt: "p", workspaceDir: "/ws", runDir, env: {}, config: config() });
    expect(Object.keys(env).sort()).toEqual(["CODEX_HOME", "TMPDIR"]);
    expect(await readFile(join(runDir, "codex-home", "config.toml"), "utf8")).toBe(codexPolicyToml(undefined));
    expect(codexPolicyToml(undefined)).not.toContain("exclude");
  });

  it("is the codex preset's setup, and escapes TOML strings", () => {
    expect(PRESETS.codex.setup).toBe(codexSetup);
    expect(codexConfigToml({ baseUrl: "http://h/v1", model: 'a"b\\c' })).toContain('model = "a\\"b\\\\c"');
  });
});
