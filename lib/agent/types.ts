import type { AgentEvent } from "./events";

// Types only: runtime.ts (which picks a runtime), the runtimes themselves and the presets all share
// them, so they sit below every one of those modules instead of in runtime.ts, which imports them.

/**
 * The agent runtime interface. A runtime gets a prepared workspace, a prompt and an environment, emits
 * events while it works and returns an outcome. It never pushes or talks to GitLab: the app does that.
 *
 * Outcome meanings:
 * - resolved: the agent finished and (probably) changed files; the caller downgrades to `answered`
 *   when the workspace shows no change;
 * - answered: the agent only replied (summary holds the answer);
 * - not_resolved: the agent finished without doing what was asked;
 * - failed: the agent crashed, was cancelled or timed out (see `error`, `timedOut`, `cancelled`).
 */
export type AgentOutcome = "resolved" | "not_resolved" | "answered" | "failed";

export interface AgentTask {
  workspaceDir: string;
  prompt: string;
  /** The WHOLE environment of the agent process (see buildAgentEnv); nothing else is inherited. */
  env: Record<string, string>;
  conversationId: string;
  signal: AbortSignal;
  timeoutMs: number;
  /** host:port patterns this run may reach besides the deployment's (its GitLab instance). */
  networkAllow?: string[];
}

export interface AgentResult {
  outcome: AgentOutcome;
  summary: string;
  error?: string;
  timedOut?: boolean;
  cancelled?: boolean;
}

export type EmitFn = (e: AgentEvent) => Promise<void> | void;

export interface AgentRuntime {
  id: string;
  label: string;
  isTestAgent: boolean;
  run(task: AgentTask, emit: EmitFn): Promise<AgentResult>;
}

/** The CLI presets (presets.ts). Here rather than in preset-types.ts because RuntimeConfig names it. */
export type PresetId = "openhands" | "claude-code" | "codex" | "gemini" | "opencode" | "custom";

export interface RuntimeConfig {
  runtime: "scripted" | "command";
  preset?: PresetId;
  /** For preset `custom` (AGENT_COMMAND): a shell command line run with /bin/sh -c. */
  customCommand?: string;
  /** For preset `custom` (AGENT_OUTPUT_FORMAT). */
  customFormat?: "jsonl" | "text";
  /**
   * The model endpoint (AGENT_MODEL_BASE_URL, AGENT_MODEL, AGENT_MODEL_API_KEY_ENV), for every preset:
   * each maps it per run to its CLI's own mechanism (Codex: CODEX_HOME/config.toml; Claude Code and
   * Gemini CLI: environment and settings; OpenCode: a per-run opencode.json). `apiKeyEnv` names the
   * variable holding the endpoint's key (read from the app's environment by the worker; in the sandbox
   * the CLI holds a per-run placeholder that the run's proxy swaps for it, sandbox/model-gateway.ts);
   * `maxRetries` caps the CLI's retries of a failing endpoint where it has such a setting.
   */
  model?: { baseUrl: string; model: string; apiKeyEnv?: string; maxRetries?: number };
}
