import { mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { outputEvent, type AgentEvent } from "./events";
import { createParser } from "./parsers";
import { endpointKey } from "./preset-model";
import { formatFor, PRESETS } from "./presets";
import type { Preset } from "./preset-types";
import { LineSplitter, timerMs } from "./process-group";
import { resolveBinary } from "./resolve-binary";
import type { AgentResult, AgentRuntime, AgentTask, EmitFn, RuntimeConfig } from "./types";
import { spawnSandboxed, type SandboxedProcess } from "./sandbox";
import { agentBinds, runNetworkAllow } from "./sandbox/agent-policy";
import { gatewayBaseUrl, newPlaceholderKey, type ModelGateway } from "./sandbox/model-gateway";
import { SandboxUnavailableError } from "./sandbox/probe";
import { sandboxSettings } from "./sandbox/settings";
import { processWorkDir } from "./work-dirs";

/**
 * Runs a CLI coding agent headless in the workspace, in its own process group, with exactly the
 * task's environment. Its output is parsed into events as it streams; timeout and cancel end the
 * whole group (SIGTERM, then SIGKILL after a second).
 */

/** Linux refuses a single argv element longer than 128 KiB (MAX_ARG_STRLEN); fail clearly instead. */
const MAX_PROMPT_ARG_BYTES = 120 * 1024;
const STDERR_TAIL_LINES = 20;
const TAIL_CHARS = 4000;

export function createCommandRuntime(config: RuntimeConfig): AgentRuntime {
  const presetId = config.preset ?? (config.customCommand ? "custom" : undefined);
  if (!presetId) throw new Error("The command runtime needs AGENT_PRESET (one of openhands, claude-code, codex, gemini, opencode, custom).");
  const preset = PRESETS[presetId];
  if (!preset) throw new Error(`Unknown AGENT_PRESET "${presetId}".`);
  if (preset.id === "custom" && !config.customCommand?.trim()) throw new Error("AGENT_PRESET=custom needs AGENT_COMMAND.");
  return { id: `command:${preset.id}`, label: preset.label, isTestAgent: false, run: (task, emit) => runCommandAgent(preset, config, task, emit) };
}

/**
 * The run's model gateway (lib/agent/sandbox/model-gateway.ts): in the sandbox, the CLI is configured
 * with the proxy's virtual model host and a fresh placeholder key, and only the worker-side proxy holds
 * the real key (read here, in the worker, from AGENT_MODEL_API_KEY_ENV as before). With AGENT_SANDBOX=off
 * (development only) there is no proxy: the CLI gets the real endpoint and key, as it always did.
 */
function modelGatewayFor(config: RuntimeConfig, agentEnv: Record<string, string>): { gateway: ModelGateway; cliConfig: RuntimeConfig } | null {
  const model = config.model;
  if (!model || !sandboxSettings().enabled) return null;
  const gateway: ModelGateway = { upstream: model.baseUrl, placeholder: newPlaceholderKey(), key: endpointKey(model, agentEnv) };
  return { gateway, cliConfig: { ...config, model: { ...model, baseUrl: gatewayBaseUrl(model.baseUrl) } } };
}

function tail(text: string, max = TAIL_CHARS): string {
  if (text.length <= max) return text;
  // A cut inside a word may leave the end of a token, which no redaction recognises any more
  // (attack 13): the partial word goes too.
  const cut = text.slice(-max);
  return /[A-Za-z0-9_.+/=-]/.test(text[text.length - max - 1] ?? "") ? cut.replace(/^[A-Za-z0-9_.+/=-]+/, "…") : cut;
}

async function runCommandAgent(preset: Preset, config: RuntimeConfig, task: AgentTask, emit: EmitFn): Promise<AgentResult> {
  if (task.signal.aborted) return { outcome: "failed", summary: "Cancelled before the agent started.", error: "Cancelled", cancelled: true };
  // Per-run files (Codex's home, …) in the run's private work directory, never in the shared /tmp.
  const runDir = await mkdtemp(join(processWorkDir(sandboxSettings().workRoot), "run-"));
  try {
    const routed = modelGatewayFor(config, task.env);
    const cliConfig = routed?.cliConfig ?? config;
    const argv = preset.command(task.prompt, cliConfig);
    const binary = await resolveBinary(argv[0] ?? "", task.env.PATH);
    if (!binary) {
      const error = `The agent binary "${argv[0]}" was not found on PATH or in node_modules/.bin.`;
      await emit({ kind: "error", message: error });
      return { outcome: "failed", summary: error, error };
    }
    if (preset.promptVia === "arg" && Buffer.byteLength(task.prompt) > MAX_PROMPT_ARG_BYTES) {
      const error = `The prompt is too long to pass as an argument (${Buffer.byteLength(task.prompt)} bytes).`;
      await emit({ kind: "error", message: error });
      return { outcome: "failed", summary: error, error };
    }
    const extraEnv = preset.setup ? await preset.setup({ prompt: task.prompt, workspaceDir: task.workspaceDir, config: cliConfig, runDir, env: task.env, modelKey: routed?.gateway.placeholder }) : {};
    return await supervise(binary, argv.slice(1), preset, cliConfig, task, { ...task.env, ...extraEnv }, runDir, emit, routed?.gateway);
  } finally {
    await rm(runDir, { recursive: true, force: true });
  }
}

async function supervise(binary: string, args: string[], preset: Preset, config: RuntimeConfig, task: AgentTask, env: Record<string, string>, runDir: string, emit: EmitFn, modelGateway?: ModelGateway): Promise<AgentResult> {
  const parser = createParser(formatFor(preset, config));
  let lastMessage: string | null = null;
  let stdoutTail = "";
  let stderrLines: string[] = [];
  let emitError: unknown = null;
  let chain: Promise<void> = Promise.resolve();
  let killGroup = (): void => undefined;

  // Events are delivered strictly in order, one at a time; a failing sink stops the agent.
  const push = (event: AgentEvent): void => {
    if (event.kind === "message") lastMessage = event.text;
    chain = chain
      .then(async () => { if (emitError === null) await emit(event); })
      .catch((err: unknown) => { emitError ??= err; killGroup(); });
  };

  const onStdoutLines = (lines: string[]): void => {
    let plain: string[] = [];
    const flushPlain = (): void => {
      if (plain.some((l) => l.trim() !== "")) push(outputEvent(plain.join("\n")));
      plain = [];
    };
    for (const line of lines) {
      let events: AgentEvent[] | null = null;
      if (parser && line.trimStart().startsWith("{")) {
        try {
          events = parser.parseJson(JSON.parse(line) as unknown);
        } catch {
          events = null; // not JSON after all: plain output
        }
      }
      if (events === null) {
        plain.push(line);
        stdoutTail = tail(`${stdoutTail}${line}\n`);
      } else {
        flushPlain();
        events.forEach(push);
      }
    }
    flushPlain();
  };
  const onStderrLines = (lines: string[]): void => {
    if (lines.some((l) => l.trim() !== "")) push(outputEvent(lines.join("\n")));
    stderrLines = [...stderrLines, ...lines.filter((l) => l.trim() !== "")].slice(-STDERR_TAIL_LINES);
  };
  const stdout = new LineSplitter(onStdoutLines);
  const stderr = new LineSplitter(onStderrLines);

  const binds = await agentBinds(binary, preset.sandboxPackages ?? []);
  let proc: SandboxedProcess;
  try {
    proc = await spawnSandboxed([binds.exec, ...args], {
      cwd: task.workspaceDir,
      checkout: task.workspaceDir,
      writable: [runDir],
      readOnly: [...binds.readOnly, ...(preset.sandboxReadOnly?.() ?? [])],
      // `config` is the CLI's: its model host is the proxy's virtual one, never the real endpoint.
      network: { allow: runNetworkAllow(task, config, preset), modelGateway },
      limits: { memoryMb: Math.max(sandboxSettings().limits.memoryMb, preset.sandboxAddressSpaceMb ?? 0) },
      env,
      stdin: preset.promptVia === "stdin" ? task.prompt : undefined,
      onStdout: (c) => stdout.push(c),
      onStderr: (c) => stderr.push(c),
    });
  } catch (err) {
    if (!(err instanceof SandboxUnavailableError)) throw err;
    await emit({ kind: "error", message: err.message });
    return { outcome: "failed", summary: err.message, error: err.message };
  }
  killGroup = proc.killGroup;

  let cancelled = false;
  let timedOut = false;
  const onAbort = (): void => { cancelled = true; proc.killGroup(); };
  task.signal.addEventListener("abort", onAbort, { once: true });
  const timer = setTimeout(() => { timedOut = true; proc.killGroup(); }, timerMs(task.timeoutMs));

  const { code, signal, limit } = await proc.done;
  clearTimeout(timer);
  task.signal.removeEventListener("abort", onAbort);
  stdout.flush();
  stderr.flush();
  parser?.finish().forEach(push);

  const summaryText = (): string => parser?.summary() ?? lastMessage ?? (stdoutTail.trim() || "The agent finished without a final message.");
  let result: AgentResult;
  if (cancelled) {
    push({ kind: "status", text: "Cancelled." });
    result = { outcome: "failed", summary: lastMessage ?? "Cancelled.", error: "Cancelled", cancelled: true };
  } else if (limit) {
    push({ kind: "error", message: limit.message });
    result = { outcome: "failed", summary: limit.message, error: limit.message };
  } else if (timedOut) {
    const error = `Timed out after ${Math.round(task.timeoutMs / 1000)} s.`;
    push({ kind: "error", message: error });
    result = { outcome: "failed", summary: lastMessage ?? error, error, timedOut: true };
  } else {
    const failure = parser?.failure() ?? null;
    if (code === 0 && failure === null) {
      result = { outcome: "resolved", summary: summaryText() };
    } else {
      const exit = code === null ? `The agent was killed by ${signal ?? "a signal"}.` : `The agent exited with code ${code}.`;
      const error = failure ?? (stderrLines.length > 0 ? tail(stderrLines.join("\n")) : exit);
      // The stream already showed a reported failure; otherwise say why the run failed.
      if (failure === null) push({ kind: "error", message: code === 0 ? error : `${exit}\n${error === exit ? "" : error}`.trim() });
      result = { outcome: "failed", summary: lastMessage ?? error, error };
    }
  }
  await chain;
  if (emitError !== null && !result.cancelled) {
    const message = emitError instanceof Error ? emitError.message : String(emitError);
    return { outcome: "failed", summary: result.summary, error: `Could not record an agent event: ${message}` };
  }
  return result;
}
