import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAgentEnv, createAgentHome } from "@/lib/agent/agent-env";
import { resetEnvForTests } from "@/lib/env";
import { runDepsFromEnv } from "@/lib/jobs/handlers/agent-run";
import { stopDemoModelSandbox } from "./model-sandbox";

/**
 * Demo mode's "real agent with a scripted brain": AGENT_PRESET=codex, claude-code, gemini or opencode and
 * no model endpoint configured. One demo model sandbox serves all four, each in its own API.
 */

const VARS = ["DATA_DIR", "DEMO_MODE", "GITLAB_CLIENT_ID", "GITLAB_CLIENT_SECRET", "DATABASE_URL", "AGENT_RUNTIME", "AGENT_PRESET", "AGENT_MODEL_BASE_URL", "AGENT_MODEL", "AGENT_MODEL_API_KEY_ENV", "DEMO_MODEL_SANDBOX_PORT"];
const saved = new Map<string, string | undefined>();
let root = "";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "demo-codex-"));
  for (const name of VARS) saved.set(name, process.env[name]);
  for (const name of VARS) delete process.env[name];
  Object.assign(process.env, { DATA_DIR: join(root, "data"), DEMO_MODE: "on", AGENT_RUNTIME: "command", AGENT_PRESET: "codex", DEMO_MODEL_SANDBOX_PORT: String(await freePort()) });
  resetEnvForTests();
});

afterAll(async () => {
  await stopDemoModelSandbox();
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  resetEnvForTests();
  await rm(root, { recursive: true, force: true });
});

const PRESETS = [
  { preset: "codex", label: "Codex CLI" },
  { preset: "claude-code", label: "Claude Code" },
  { preset: "gemini", label: "Gemini CLI" },
  { preset: "opencode", label: "OpenCode" },
];

describe.each(PRESETS)("demo mode with AGENT_PRESET=$preset", ({ preset, label }) => {
  it("runs the real CLI against the built-in model sandbox, started on first use", async () => {
    process.env.AGENT_PRESET = preset;
    resetEnvForTests();
    const { runtime } = runDepsFromEnv();
    expect(runtime).toMatchObject({ id: `command:${preset}`, label, isTestAgent: false });
    const workspaceDir = await mkdtemp(join(root, "ws-"));
    execFileSync("git", ["init", "-q", workspaceDir]);
    const home = await createAgentHome(root);
    const result = await runtime.run(
      {
        workspaceDir,
        prompt: "## Current task\n\ncreate file docs/hello.md with content Hello from the demo",
        env: buildAgentEnv({ secrets: {}, oauthToken: "demo-oauth-token", home: home.dir }),
        conversationId: "demo",
        signal: new AbortController().signal,
        timeoutMs: 45_000,
      },
      () => undefined,
    );
    await home.cleanup();
    expect(result).toEqual({ outcome: "resolved", summary: "Done. Created `docs/hello.md`." });
    expect(await readFile(join(workspaceDir, "docs/hello.md"), "utf8")).toBe("Hello from the demo\n");
  }, 60_000);
});
