import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { AgentRuntime } from "./agent/runtime";
import { parseEnv } from "./env";
import { modelEndpoint, DEMO_MODEL, usesDemoModelSandbox, withModelEndpoint } from "./model-endpoint";

const env = (vars: Record<string, string>) => parseEnv({ DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "model-env-")), ...vars });
const CONFIGURED = { GITLAB_CLIENT_ID: "id", GITLAB_CLIENT_SECRET: "secret" }; // demo mode off

describe("model endpoint configuration (AGENT_MODEL_*)", () => {
  it("points Codex at the configured endpoint, model and key variable", () => {
    const e = env({ ...CONFIGURED, AGENT_RUNTIME: "command", AGENT_PRESET: "codex", AGENT_MODEL_BASE_URL: "https://llm.example.com/v1/", AGENT_MODEL: "gpt-5-codex", AGENT_MODEL_API_KEY_ENV: "LLM_KEY", LLM_KEY: "sk-1", AGENT_MODEL_MAX_RETRIES: "2" });
    expect(modelEndpoint(e)).toEqual({ baseUrl: "https://llm.example.com/v1", model: "gpt-5-codex", apiKeyEnv: "LLM_KEY", maxRetries: 2 });
    expect(usesDemoModelSandbox(e)).toBe(false);
  });

  it("uses the built-in model sandbox in demo mode when no endpoint is configured, and nothing otherwise", () => {
    const demo = env({ AGENT_RUNTIME: "command", AGENT_PRESET: "codex" });
    expect(demo.demoMode).toBe(true);
    expect(usesDemoModelSandbox(demo)).toBe(true);
    expect(modelEndpoint(demo)).toEqual({ baseUrl: "http://127.0.0.1:8930/v1", model: DEMO_MODEL, maxRetries: 1 });
    expect(modelEndpoint(env({ ...CONFIGURED, AGENT_RUNTIME: "command", AGENT_PRESET: "codex" }))).toBeUndefined();
    for (const preset of ["claude-code", "gemini", "opencode"]) expect(usesDemoModelSandbox(env({ AGENT_RUNTIME: "command", AGENT_PRESET: preset }))).toBe(true);
    expect(usesDemoModelSandbox(env({ AGENT_RUNTIME: "command", AGENT_PRESET: "openhands" }))).toBe(false);
  });

  it("refuses an endpoint without a model, and a key variable that is unset or one of the app's own", () => {
    expect(() => env({ AGENT_MODEL_BASE_URL: "https://llm.example.com/v1" })).toThrow(/AGENT_MODEL is required when AGENT_MODEL_BASE_URL is set/);
    expect(() => env({ AGENT_MODEL_API_KEY_ENV: "NOPE_UNSET_KEY" })).toThrow(/names NOPE_UNSET_KEY, which is not set/);
    expect(() => env({ AGENT_MODEL_API_KEY_ENV: "DATABASE_URL" })).toThrow(/must not name one of this app's own settings/);
    expect(() => env({ AGENT_MODEL_API_KEY_ENV: "ENCRYPTION_KEY", ENCRYPTION_KEY: Buffer.alloc(32).toString("base64") })).toThrow(/must not name one of this app's own settings/);
    expect(() => env({ AGENT_MODEL_API_KEY_ENV: "not a name" })).toThrow(/AGENT_MODEL_API_KEY_ENV must be the name of an environment variable/);
    expect(() => env({ AGENT_MODEL_MAX_RETRIES: "-1" })).toThrow(/AGENT_MODEL_MAX_RETRIES must be 0 or more/);
  });

  it("leaves the runtime alone unless the demo model sandbox is in use", () => {
    const runtime: AgentRuntime = { id: "command:codex", label: "Codex CLI", isTestAgent: false, run: () => Promise.resolve({ outcome: "answered", summary: "" }) };
    expect(withModelEndpoint(runtime, env({ ...CONFIGURED, AGENT_RUNTIME: "command", AGENT_PRESET: "codex" }))).toBe(runtime);
    const wrapped = withModelEndpoint(runtime, env({ AGENT_RUNTIME: "command", AGENT_PRESET: "codex" }));
    expect(wrapped).not.toBe(runtime);
    expect(wrapped).toMatchObject({ id: "command:codex", label: "Codex CLI", isTestAgent: false });
  });
});
