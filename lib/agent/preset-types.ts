import type { OutputFormat } from "./parsers/types";
import type { PresetId, RuntimeConfig } from "./types";

/**
 * The shape of a CLI preset (presets.ts holds the table). In its own module so the per-CLI setup
 * files (preset-claude.ts, …), the command runtime and the sandbox policy can name it without importing
 * the table, which imports the setup files.
 */
export type { PresetId };

export interface PresetContext {
  prompt: string;
  workspaceDir: string;
  config: RuntimeConfig;
  /** A fresh directory outside the workspace, deleted after the run. */
  runDir: string;
  /** The agent's environment before the preset's additions (the user's secrets are in it). */
  env: Record<string, string>;
  /**
   * The model key to give the CLI instead of the endpoint's: the run's placeholder when the sandbox's
   * proxy holds the real key (see cliModelKey in preset-model.ts).
   */
  modelKey?: string;
}

export interface Preset {
  id: PresetId;
  label: string;
  /** argv; argv[0] is resolved on the agent's PATH, then in node_modules/.bin. */
  command(prompt: string, config: RuntimeConfig): string[];
  promptVia: "arg" | "stdin";
  format: OutputFormat;
  /** Per-run preparation; returns variables added to the agent's environment. */
  setup?(ctx: PresetContext): Promise<Record<string, string>>;
  verified: boolean;
  /** npm packages bound read-only into the sandbox besides the binary's own (resolved from the app). */
  sandboxPackages?: string[];
  /** The provider's hosts the agent may reach when no AGENT_MODEL_BASE_URL is set. */
  networkHosts?: string[];
  /**
   * Floor for the sandbox's per-process address-space limit (RLIMIT_AS, AGENT_MEMORY_MB), in MB. JS
   * runtimes reserve virtual address space far beyond what they use (V8's WebAssembly memory cage, Bun's
   * heap reservations): under 2 GB of address space Claude Code, Gemini CLI and OpenCode fail at start
   * with "Out of memory" while using a few hundred MB (issue 15). The higher of the two applies.
   */
  sandboxAddressSpaceMb?: number;
  /** Further directories bound read-only into the sandbox (e.g. the node binary of a Node-script CLI). */
  sandboxReadOnly?(): string[];
}
