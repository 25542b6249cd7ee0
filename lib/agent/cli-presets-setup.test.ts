import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { claudeSetup } from "./preset-claude";
import { geminiSetup } from "./preset-gemini";
import { opencodeSetup } from "./preset-opencode";
import { NO_KEY, withoutApiVersion } from "./preset-model";
import { codexSetup, nodeRuntimeDirs, type PresetContext } from "./presets";
import type { RuntimeConfig } from "./runtime";

/** The per-run mapping of the one model setting (AGENT_MODEL_*) onto each CLI's own mechanism. */

const KEY_ENV = "SETUP_TEST_MODEL_KEY";
let runDir: string;

beforeEach(async () => {
  runDir = await mkdtemp(join(tmpdir(), "preset-setup-"));
  process.env[KEY_ENV] = "sk-from-the-app";
});

afterEach(async () => {
  delete process.env[KEY_ENV];
  await rm(runDir, { recursive: true, force: true });
});

const model: RuntimeConfig["model"] = { baseUrl: "https://llm.example.com/v1", model: "m-1", apiKeyEnv: KEY_ENV, maxRetries: 2 };
const ctx = (config: RuntimeConfig, env: Record<string, string> = {}): PresetContext => ({ prompt: "p", workspaceDir: "/ws", runDir, config, env });

/** Every path-valued variable points inside the run's directory (deleted after the run). */
function pathsInsideRunDir(vars: Record<string, string>): void {
  for (const value of Object.values(vars)) if (value.startsWith("/")) expect(value.startsWith(runDir)).toBe(true);
}

describe("per-run setup of the CLI presets", () => {
  it("strips the API version for the CLIs that add it themselves", () => {
    expect(withoutApiVersion("https://api.anthropic.com/v1/")).toBe("https://api.anthropic.com");
    expect(withoutApiVersion("http://127.0.0.1:9/v1beta")).toBe("http://127.0.0.1:9");
    expect(withoutApiVersion("https://gw.example.com/llm")).toBe("https://gw.example.com/llm");
  });

  it("claude-code: endpoint, model, key and retries in its environment; an env file that unsets the key for commands; no traffic beyond the model", async () => {
    const vars = await claudeSetup(ctx({ runtime: "command", preset: "claude-code", model }));
    expect(vars).toMatchObject({
      ANTHROPIC_BASE_URL: "https://llm.example.com",
      ANTHROPIC_MODEL: "m-1",
      ANTHROPIC_API_KEY: "sk-from-the-app",
      CLAUDE_CODE_MAX_RETRIES: "2",
      DISABLE_TELEMETRY: "1",
      DISABLE_AUTOUPDATER: "1",
      DISABLE_ERROR_REPORTING: "1",
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    });
    expect(vars[KEY_ENV]).toBeUndefined();
    expect(await readFile(vars.CLAUDE_ENV_FILE!, "utf8")).toBe("unset ANTHROPIC_API_KEY ANTHROPIC_AUTH_TOKEN\n");
    pathsInsideRunDir(vars);
  });

  it("gemini: endpoint and key in its environment, settings in a per-run GEMINI_CLI_HOME", async () => {
    const vars = await geminiSetup(ctx({ runtime: "command", preset: "gemini", model }));
    expect(vars).toMatchObject({ GOOGLE_GEMINI_BASE_URL: "https://llm.example.com", GEMINI_API_KEY: "sk-from-the-app" });
    const settings = JSON.parse(await readFile(join(vars.GEMINI_CLI_HOME!, ".gemini", "settings.json"), "utf8")) as unknown;
    expect(settings).toEqual({
      general: { disableAutoUpdate: true, disableUpdateNag: true, maxAttempts: 3 },
      privacy: { usageStatisticsEnabled: false },
      telemetry: { enabled: false },
      model: { name: "m-1" },
      security: { auth: { selectedType: "gemini-api-key" } },
    });
    pathsInsideRunDir(vars);
  });

  it("opencode: a provider for the endpoint with the key in a private config file, not in the environment", async () => {
    const vars = await opencodeSetup(ctx({ runtime: "command", preset: "opencode", model }));
    expect(Object.values(vars)).not.toContain("sk-from-the-app");
    expect(vars).toMatchObject({ OPENCODE_DISABLE_PROJECT_CONFIG: "1", OPENCODE_DISABLE_AUTOUPDATE: "1", OPENCODE_DISABLE_MODELS_FETCH: "1", OPENCODE_PURE: "1", npm_config_offline: "true" });
    const config = JSON.parse(await readFile(vars.OPENCODE_CONFIG!, "utf8")) as Record<string, unknown>;
    expect(config).toMatchObject({
      autoupdate: false,
      share: "disabled",
      model: "agent/m-1",
      provider: { agent: { npm: "@ai-sdk/openai-compatible", options: { baseURL: "https://llm.example.com/v1", apiKey: "sk-from-the-app" }, models: { "m-1": { tool_call: true } } } },
    });
    pathsInsideRunDir(vars);
  });

  it("an endpoint without a key: Claude Code and Gemini CLI get a placeholder (they refuse to start without one), unless the user has their own", async () => {
    const keyless = { runtime: "command" as const, model: { baseUrl: "http://127.0.0.1:9/v1", model: "m" } };
    expect((await claudeSetup(ctx(keyless))).ANTHROPIC_API_KEY).toBe(NO_KEY);
    expect((await geminiSetup(ctx(keyless))).GEMINI_API_KEY).toBe(NO_KEY);
    expect((await claudeSetup(ctx(keyless, { ANTHROPIC_API_KEY: "users-own" }))).ANTHROPIC_API_KEY).toBe("users-own");
  });

  it("without an endpoint, each CLI keeps its defaults but still runs quiet and leaves its state in the run's directory", async () => {
    const none = { runtime: "command" as const };
    const claude = await claudeSetup(ctx(none));
    expect(claude.ANTHROPIC_BASE_URL).toBeUndefined();
    expect(claude.DISABLE_TELEMETRY).toBe("1");
    expect((await geminiSetup(ctx(none))).GOOGLE_GEMINI_BASE_URL).toBeUndefined();
    const oc = await opencodeSetup(ctx(none));
    expect(JSON.parse(await readFile(oc.OPENCODE_CONFIG!, "utf8"))).not.toHaveProperty("provider");
    expect((await readdir(runDir)).sort()).toEqual(["claude-command-env.sh", "claude-config", "gemini-home", "opencode", "tmp"]);
  });

  it("gemini (a Node script) gets the node binary's directory bound into the sandbox unless /usr already has it", () => {
    expect(nodeRuntimeDirs("/usr/bin/node")).toEqual([]);
    expect(nodeRuntimeDirs("/root/.nvm/versions/node/v22.1.0/bin/node")).toEqual(["/root/.nvm/versions/node/v22.1.0/bin"]);
  });

  it("with the run's placeholder (the sandbox's model gateway), every CLI holds the placeholder and the gateway URL, never the app's key", async () => {
    const placeholder = `ohk-model-${"ab".repeat(16)}`;
    const gw: RuntimeConfig["model"] = { ...model, baseUrl: "http://model.openhands.internal/v1" };
    const withKey = (preset: RuntimeConfig["preset"]): PresetContext => ({ ...ctx({ runtime: "command", preset, model: gw }), modelKey: placeholder });
    const claude = await claudeSetup(withKey("claude-code"));
    expect(claude).toMatchObject({ ANTHROPIC_API_KEY: placeholder, ANTHROPIC_BASE_URL: "http://model.openhands.internal" });
    const gemini = await geminiSetup(withKey("gemini"));
    expect(gemini).toMatchObject({ GEMINI_API_KEY: placeholder, GOOGLE_GEMINI_BASE_URL: "http://model.openhands.internal" });
    const codex = await codexSetup(withKey("codex"));
    expect(codex[KEY_ENV]).toBe(placeholder);
    const opencode = await opencodeSetup(withKey("opencode"));
    const file = await readFile(opencode.OPENCODE_CONFIG ?? "", "utf8");
    expect(file).toContain(placeholder);
    expect(file).toContain("http://model.openhands.internal/v1");
    const everything = JSON.stringify([claude, gemini, codex, opencode]) + file + (await readFile(join(codex.CODEX_HOME ?? "", "config.toml"), "utf8"));
    expect(everything).not.toContain("sk-from-the-app");
  });
});
