import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { OutputFormat } from "./parsers/types";
import { claudeSetup } from "./preset-claude";
import { cliModelKey } from "./preset-model";
import { geminiSetup } from "./preset-gemini";
import { opencodeSetup } from "./preset-opencode";
import type { Preset, PresetContext, PresetId } from "./preset-types";
import type { RuntimeConfig } from "./types";
import { sandboxSettings } from "./sandbox/settings";

export type { Preset, PresetContext, PresetId } from "./preset-types";

/**
 * The running node's directory, for CLIs that are Node scripts (`#!/usr/bin/env node`): the sandbox
 * always has /usr, /bin and /lib, but a node installed elsewhere (nvm, /opt) must be bound; the agent's
 * PATH already lists this directory (agent-env.ts).
 */
export function nodeRuntimeDirs(execPath = process.execPath): string[] {
  const dir = dirname(execPath);
  return ["/usr/", "/bin/", "/sbin/", "/lib/", "/lib64/"].some((root) => `${dir}/`.startsWith(root)) ? [] : [dir];
}

/** What the JS-runtime CLIs need (see sandboxAddressSpaceMb): measured with the pinned versions. */
const JS_RUNTIME_ADDRESS_SPACE_MB = 64 * 1024;

/**
 * Prompts travel as one argv element. A leading "-" would be read as an option by the agent's
 * argument parser, so such a prompt gets a leading space (meaningless to a model).
 */
export function promptArg(prompt: string): string {
  return prompt.startsWith("-") ? ` ${prompt}` : prompt;
}

/** TOML basic strings accept JSON's escapes for everything JSON.stringify produces. */
function tomlString(s: string): string {
  return JSON.stringify(s);
}

export function codexConfigToml(codex: NonNullable<RuntimeConfig["model"]>): string {
  const lines = [
    `model_provider = "agent"`,
    `model = ${tomlString(codex.model)}`,
    ``,
    `[model_providers.agent]`,
    `name = "agent"`,
    `base_url = ${tomlString(codex.baseUrl)}`,
    // "chat" is refused by current Codex versions (issue 9).
    `wire_api = "responses"`,
  ];
  if (codex.apiKeyEnv) lines.push(`env_key = ${tomlString(codex.apiKeyEnv)}`);
  if (codex.maxRetries !== undefined) {
    const n = Math.max(0, Math.floor(codex.maxRetries));
    lines.push(`request_max_retries = ${n}`, `stream_max_retries = ${n}`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * What every Codex run gets, endpoint or not: the endpoint's key stays with Codex (the commands the
 * model runs do not see it; they do see the user's secrets), and no usage analytics leave the machine.
 */
export function codexPolicyToml(codex: RuntimeConfig["model"]): string {
  const lines = [`[shell_environment_policy]`, `inherit = "all"`];
  if (codex?.apiKeyEnv) lines.push(`exclude = [${tomlString(codex.apiKeyEnv)}]`);
  lines.push(``, `[analytics]`, `enabled = false`);
  return `${lines.join("\n")}\n`;
}

/**
 * Per-run files and variables of a Codex run, all inside `runDir` (outside the workspace; the runtime
 * deletes it afterwards): CODEX_HOME with config.toml (Codex also keeps its sessions, logs and state
 * databases there), and a private TMPDIR. Codex refuses to create its helper binaries under the shared
 * temp dir (a warning on every run); a TMPDIR of our own also keeps the run's temp files with the run.
 * The key Codex gets is the run's placeholder in the sandbox (the proxy adds the real one) and the
 * endpoint's key without it (cliModelKey); either way the commands' environment excludes it.
 */
export async function codexSetup(ctx: PresetContext): Promise<Record<string, string>> {
  const { runDir, config } = ctx;
  const home = join(runDir, "codex-home");
  const tmp = join(runDir, "tmp");
  await mkdir(home, { recursive: true, mode: 0o700 });
  await mkdir(tmp, { recursive: true, mode: 0o700 });
  const toml = [config.model ? codexConfigToml(config.model) : "", codexPolicyToml(config.model)].filter(Boolean).join("\n");
  await writeFile(join(home, "config.toml"), toml, { mode: 0o600 });
  const env: Record<string, string> = { CODEX_HOME: home, TMPDIR: tmp };
  const keyEnv = config.model?.apiKeyEnv;
  const key = cliModelKey(ctx);
  if (keyEnv && key) env[keyEnv] = key;
  return env;
}

/**
 * Headless CLI agents the `command` runtime can run. Each entry is declarative: the argv for a prompt,
 * how the prompt is passed, the output dialect, and optional per-run setup (config files in a
 * directory outside the workspace that the runtime deletes afterwards).
 *
 * `verified` means "run end to end in our tests against a real binary"; the others follow the tools'
 * documentation but are not exercised in CI.
 */
export const PRESETS: Record<PresetId, Preset> = {
  // OpenHands CLI headless mode with JSONL events; --override-with-envs makes it honour
  // LLM_MODEL / LLM_API_KEY / LLM_BASE_URL from the environment (given as user secrets).
  // Source: https://docs.openhands.dev/openhands/usage/cli/headless and https://pypi.org/project/openhands/
  openhands: {
    id: "openhands",
    label: "OpenHands CLI",
    command: (prompt) => ["openhands", "--headless", "--json", "--override-with-envs", `--task=${promptArg(prompt)}`],
    promptVia: "arg",
    format: "openhands",
    verified: false,
  },
  // Claude Code print mode with streamed JSON messages (--verbose is required with stream-json).
  // Permissions: acceptEdits + an explicit tool allow-list rather than bypassPermissions, which Claude
  // Code refuses as root unless IS_SANDBOX=1 (checked in 2.1.197); with the allow-list it runs
  // unattended under any user and cannot reach tools outside it (no web fetch or search). Only user
  // settings (the per-run CLAUDE_CONFIG_DIR) are read: a repository's .claude/settings.json cannot add
  // hooks, permissions or environment; no MCP servers; no session files.
  // Source: https://docs.claude.com/en/docs/claude-code/headless and /cli-reference; checked with
  // Claude Code 2.1.197 (issue 15).
  "claude-code": {
    id: "claude-code",
    label: "Claude Code",
    command: (prompt) => [
      "claude", "-p", promptArg(prompt), "--output-format", "stream-json", "--verbose",
      "--permission-mode", "acceptEdits", "--allowedTools", "Bash,Read,Edit,Write,Glob,Grep",
      "--setting-sources", "user", "--strict-mcp-config", "--no-session-persistence",
    ],
    promptVia: "arg",
    format: "claude",
    setup: claudeSetup,
    sandboxAddressSpaceMb: JS_RUNTIME_ADDRESS_SPACE_MB,
    networkHosts: ["api.anthropic.com:443"],
    // Run end to end against the real binary: lib/agent/cli-presets.int.test.ts, cli-presets-gitlab.int.test.ts.
    verified: true,
  },
  // Codex CLI non-interactive mode with JSONL events; stdin stays closed (it would wait on it).
  // Source: https://developers.openai.com/codex/noninteractive ; flags and events checked with
  // codex-cli 0.169.0 (issue 9).
  codex: {
    id: "codex",
    label: "Codex CLI",
    // Inside our sandbox, Codex's own (Landlock/seccomp, or bubblewrap, which needs the nested user
    // namespaces ours forbids) is switched off, as Codex's docs advise when an outer sandbox provides
    // the isolation: https://developers.openai.com/codex/sandbox ("run codex with --sandbox
    // danger-full-access within your container"). Without ours (AGENT_SANDBOX=off), Codex keeps its own.
    command: (prompt) => ["codex", "exec", "--json", "--skip-git-repo-check", "-s", sandboxSettings().enabled ? "danger-full-access" : "workspace-write", promptArg(prompt)],
    promptVia: "arg",
    format: "codex",
    // A per-run CODEX_HOME keeps the model endpoint per deployment and leaves no state behind.
    setup: codexSetup,
    sandboxPackages: ["@openai/codex", `@openai/codex-${process.platform}-${process.arch}`],
    networkHosts: ["api.openai.com:443", "chatgpt.com:443"],
    // Run end to end against the real binary: lib/agent/codex.int.test.ts, codex-gitlab.int.test.ts.
    verified: true,
  },
  // Gemini CLI headless mode (-p/--prompt) with JSONL events; yolo approval so tools run unattended.
  // --skip-trust: Gemini CLI otherwise refuses a folder it has not been told to trust (and drops yolo);
  // the workspace is a fresh clone made for this run. Source: https://geminicli.com/docs/cli/headless
  // and /docs/cli/trusted-folders; checked with Gemini CLI 0.61.0 (issue 15).
  gemini: {
    id: "gemini",
    label: "Gemini CLI",
    command: (prompt) => ["gemini", "--skip-trust", `--prompt=${promptArg(prompt)}`, "--output-format", "stream-json", "--approval-mode=yolo"],
    promptVia: "arg",
    format: "gemini",
    setup: geminiSetup,
    sandboxReadOnly: () => nodeRuntimeDirs(),
    sandboxAddressSpaceMb: JS_RUNTIME_ADDRESS_SPACE_MB,
    networkHosts: ["generativelanguage.googleapis.com:443", "oauth2.googleapis.com:443"],
    // Run end to end against the real binary: lib/agent/cli-presets.int.test.ts, cli-presets-gitlab.int.test.ts.
    verified: true,
  },
  // OpenCode non-interactive run with newline-delimited JSON events. The prompt goes on stdin: `opencode
  // run` wraps every argument containing a space in quotes before sending it to the model.
  // Source: https://opencode.ai/docs/cli ("run"); checked with OpenCode 1.18.33 (issue 15).
  opencode: {
    id: "opencode",
    label: "OpenCode",
    command: () => ["opencode", "run", "--format", "json"],
    promptVia: "stdin",
    format: "opencode",
    setup: opencodeSetup,
    sandboxAddressSpaceMb: JS_RUNTIME_ADDRESS_SPACE_MB,
    // Without AGENT_MODEL_BASE_URL, OpenCode's own providers (user secrets hold their keys).
    networkHosts: ["opencode.ai:443", "api.openai.com:443", "api.anthropic.com:443"],
    // Run end to end against the real binary: lib/agent/cli-presets.int.test.ts, cli-presets-gitlab.int.test.ts.
    verified: true,
  },
  // Any command line (AGENT_COMMAND) run by /bin/sh; the prompt is in $AGENT_PROMPT and on stdin.
  // Output: AGENT_OUTPUT_FORMAT = "jsonl" (AgentEvent JSON per line, or Codex lines) or "text".
  custom: {
    id: "custom",
    label: "Custom command",
    command: (_prompt, config) => ["/bin/sh", "-c", config.customCommand ?? ""],
    promptVia: "stdin",
    format: "text",
    async setup({ prompt }) {
      return { AGENT_PROMPT: prompt };
    },
    verified: false,
  },
};

export const PRESET_IDS = Object.keys(PRESETS) as PresetId[];

/** The output format of a run: the preset's, except `custom`, which takes AGENT_OUTPUT_FORMAT. */
export function formatFor(preset: Preset, config: RuntimeConfig): OutputFormat {
  return preset.id === "custom" ? (config.customFormat ?? "text") : preset.format;
}
