/**
 * The agent sandbox (issue 12). `spawnSandboxed` is the ONLY way to start agent code: every preset,
 * the custom command, the test agent's `run:` lines and any setup step go through it. ESLint forbids
 * `spawnGroup` and `node:child_process` elsewhere in lib/agent (see eslint.config.mjs).
 */
export { spawnSandboxed, type SandboxSpawnOptions, type SandboxedProcess, type SandboxExit } from "./spawn";
export { type SandboxLimits, type LimitHit, type LimitKind } from "./limits";
export { assertSandboxAvailable, sandboxHealth, SandboxUnavailableError } from "./probe";
export { sandboxSettings, sandboxSettingsFrom, type SandboxSettings } from "./settings";
export { parseAllowList, parseAllowPattern, urlHostPort, NetworkPatternError } from "./network-policy";
