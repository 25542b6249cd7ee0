import { mkdtemp } from "node:fs/promises";
import { join } from "node:path";
import type { ModelSandbox } from "@gitlab-agent/model-sandbox";
import { buildAgentEnv, createAgentHome } from "../agent-env";
import { runGit } from "../git-process";
import type { AgentEvent } from "../events";
import type { PresetId } from "../presets";
import { createRuntime, type AgentResult } from "../runtime";

/**
 * Shared set-up of the tests that run a REAL agent CLI (a command-runtime preset) against the model
 * sandbox: one workspace (a git repository) and one agent HOME per run, the production runtime, and
 * the app's environment holding secrets that must never reach the agent.
 */

export const SANDBOX_MODEL = "sandbox-model";

/** Sets variables of the app's own environment for a test file; `restore` puts the old values back. */
export function setAppEnv(vars: Record<string, string>): { restore(): void } {
  const saved = new Map<string, string | undefined>();
  for (const [name, value] of Object.entries(vars)) {
    saved.set(name, process.env[name]);
    process.env[name] = value;
  }
  return {
    restore() {
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    },
  };
}

export interface CliRunOptions {
  preset: PresetId;
  sandbox: ModelSandbox;
  /** Parent directory of the run's workspace and HOME. */
  root: string;
  keyEnv: string;
  secrets: Record<string, string>;
  oauthToken: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export async function runCli(prompt: string, opts: CliRunOptions): Promise<{ workspaceDir: string; home: string; events: AgentEvent[]; result: AgentResult }> {
  const workspaceDir = await mkdtemp(join(opts.root, "ws-"));
  const home = await createAgentHome(opts.root);
  const init = await runGit(["init", "-q", workspaceDir], { cwd: opts.root, home: home.dir });
  if (init.code !== 0) throw new Error(`git init failed: ${init.stderr}`);
  const env = buildAgentEnv({ secrets: opts.secrets, oauthToken: opts.oauthToken, home: home.dir });
  const runtime = createRuntime({
    runtime: "command",
    preset: opts.preset,
    model: { baseUrl: opts.sandbox.baseUrl, model: SANDBOX_MODEL, apiKeyEnv: opts.keyEnv, maxRetries: 1 },
  });
  const events: AgentEvent[] = [];
  try {
    const result = await runtime.run(
      { workspaceDir, prompt, env, conversationId: `conv-${opts.preset}`, signal: opts.signal ?? new AbortController().signal, timeoutMs: opts.timeoutMs ?? 45_000 },
      (e) => { events.push(e); },
    );
    return { workspaceDir, home: home.dir, events, result };
  } finally {
    await home.cleanup();
  }
}

export const outputsOf = (events: AgentEvent[]) => events.filter((e): e is Extract<AgentEvent, { kind: "output" }> => e.kind === "output");
