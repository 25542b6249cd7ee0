import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { parseInstructions, taskSection, type Instruction } from "@gitlab-agent/model-sandbox/instructions";
import { outputEvent } from "./events";
import { LineSplitter, timerMs } from "./process-group";
import type { AgentResult, AgentRuntime, AgentTask, EmitFn } from "./types";
import { renderReviewBlock, REVIEW_REQUEST_LEAD, type ReviewFindingInput } from "./review-block";
import { spawnSandboxed, SandboxUnavailableError, type LimitHit } from "./sandbox";
import { resolveWorkspacePath, UnsafePathError } from "./workspace-paths";

/**
 * The deterministic test agent: follows the plain instructions of @gitlab-agent/model-sandbox/instructions
 * (the language the model sandbox's brain reads too) and emits the same kinds of events a real agent
 * would (a plan, shell commands with output, file edits, a closing message). Used by tests and the
 * demo; the UI labels it as a test agent.
 */
export function createScriptedRuntime(): AgentRuntime {
  return { id: "scripted", label: "Test agent (scripted)", isTestAgent: true, run: runScripted };
}

class Stopped extends Error {}

/** A `run:` command hit a sandbox limit: the run ends with the limit's message. */
class LimitStop extends Error {
  constructor(readonly limit: LimitHit) {
    super(limit.message);
  }
}

function describe(i: Instruction): string {
  switch (i.type) {
    case "create": return `create \`${i.path}\``;
    case "append": return `append to \`${i.path}\``;
    case "delete": return `delete \`${i.path}\``;
    case "answer": return "answer your question";
    case "fail": return "stop with a failure";
    case "sleep": return `wait ${i.seconds} s`;
    case "run": return `run \`${i.command}\``;
    case "echo_prompt": return "repeat the prompt I received";
    case "review_summary": return "summarise my review";
    case "finding": return `note a finding on \`${i.file}\` line ${i.line}`;
  }
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Stopped());
    const timer = setTimeout(() => { signal.removeEventListener("abort", onAbort); resolve(); }, ms);
    const onAbort = (): void => { clearTimeout(timer); reject(new Stopped()); };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Runs one `run:` command in the agent sandbox, in its own process group; abort kills the group. */
async function runCommand(task: AgentTask, command: string, signal: AbortSignal, emit: EmitFn, id: string): Promise<void> {
  await emit({ kind: "command", id, command });
  let output = "";
  const collect = new LineSplitter((lines) => { output += `${lines.join("\n")}\n`; });
  const proc = await spawnSandboxed(["/bin/sh", "-c", command], {
    cwd: task.workspaceDir,
    checkout: task.workspaceDir,
    network: { allow: task.networkAllow ?? [] },
    env: task.env,
    onStdout: (c) => collect.push(c),
    onStderr: (c) => collect.push(c),
  });
  const onAbort = (): void => proc.killGroup();
  signal.addEventListener("abort", onAbort, { once: true });
  const { code, limit } = await proc.done.finally(() => signal.removeEventListener("abort", onAbort));
  collect.flush();
  await emit(outputEvent(output, { commandId: id, exitCode: code }));
  if (signal.aborted) throw new Stopped();
  if (limit) throw new LimitStop(limit);
}

/** The app's review request leads the task; a bare "review" (inside the others' fence) is one too. */
function isReviewRequest(section: string): boolean {
  if (section.trimStart().startsWith(REVIEW_REQUEST_LEAD)) return true;
  const text = section.split(/\r?\n/).filter((l) => !/^<<<(?:BEGIN|END) TEXT WRITTEN BY OTHERS /.test(l)).join("\n");
  return /^\s*review\b/i.test(text);
}

async function runScripted(task: AgentTask, emit: EmitFn): Promise<AgentResult> {
  const instructions = parseInstructions(task.prompt);
  if (instructions.length === 0 && isReviewRequest(taskSection(task.prompt))) {
    // A review request (an automatic review, or a bare `@openhands review`): the test agent reads no
    // code, so it says so in the review format instead of pretending to have looked.
    const text = "The test agent (scripted) does not read code, so it has no findings. Tell it what to report with lines such as `finding PATH:LINE TEXT` and `review summary: TEXT`.";
    const summary = `${text}\n\n${renderReviewBlock({ summary: text, findings: [] })}`;
    await emit({ kind: "message", text: summary });
    return { outcome: "answered", summary };
  }
  if (instructions.length === 0) {
    const summary = "I found no instruction I understand. The test agent follows lines such as `create file PATH with content TEXT`, `append TEXT to PATH`, `delete file PATH`, `answer: TEXT`, `fail: REASON`, `sleep N` and `run: COMMAND`.";
    await emit({ kind: "message", text: summary });
    return { outcome: "not_resolved", summary };
  }

  // Not AbortSignal.any([task.signal, AbortSignal.timeout(ms)]): Node holds a composite signal's sources
  // weakly, so a timeout signal nothing else references can be garbage-collected before it fires, and
  // the run then never times out (nodejs/node#57736; seen as a flaky timed-out test). The timer's
  // closure keeps this controller alive until it fires or the run ends.
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timerMs(task.timeoutMs));
  try {
    return await follow(task, emit, instructions, AbortSignal.any([task.signal, deadline.signal]));
  } finally {
    clearTimeout(timer);
  }
}

async function follow(task: AgentTask, emit: EmitFn, instructions: ReturnType<typeof parseInstructions>, signal: AbortSignal): Promise<AgentResult> {
  const done: string[] = [];
  const answers: string[] = [];
  const findings: ReviewFindingInput[] = [];
  let reviewSummary: string | null = null;
  let mayHaveChanged = false;
  let step = 0;
  await emit({ kind: "message", text: `I will ${instructions.map(describe).join(", then ")}.` });

  try {
    for (const instruction of instructions) {
      if (signal.aborted) throw new Stopped();
      const id = `scripted-${++step}`;
      switch (instruction.type) {
        case "create":
        case "append": {
          const full = await resolveWorkspacePath(task.workspaceDir, instruction.path);
          const existed = await exists(full);
          const isCreate = instruction.type === "create";
          await emit({ kind: "command", id, command: `${isCreate ? "tee" : "tee -a"} ${shellQuote(instruction.path)}` });
          await mkdir(dirname(full), { recursive: true });
          let text: string;
          if (isCreate) {
            text = instruction.content;
            await writeFile(full, text);
          } else {
            const before = existed ? await readFile(full, "utf8") : "";
            text = instruction.text;
            await writeFile(full, before + (before === "" || before.endsWith("\n") ? "" : "\n") + text);
          }
          await emit(outputEvent(text, { commandId: id, exitCode: 0 }));
          await emit({ kind: "file_edit", path: instruction.path, action: existed ? "modify" : "create" });
          done.push(`${isCreate ? (existed ? "Rewrote" : "Created") : "Appended to"} \`${instruction.path}\`.`);
          mayHaveChanged = true;
          break;
        }
        case "delete": {
          const full = await resolveWorkspacePath(task.workspaceDir, instruction.path);
          await emit({ kind: "command", id, command: `rm ${shellQuote(instruction.path)}` });
          if (!(await exists(full))) {
            const message = `rm: cannot remove '${instruction.path}': No such file or directory`;
            await emit(outputEvent(`${message}\n`, { commandId: id, exitCode: 1 }));
            await emit({ kind: "error", message });
            return { outcome: "failed", summary: `I could not delete \`${instruction.path}\`: it does not exist.`, error: message };
          }
          await rm(full, { recursive: true });
          await emit(outputEvent("", { commandId: id, exitCode: 0 }));
          await emit({ kind: "file_edit", path: instruction.path, action: "delete" });
          done.push(`Deleted \`${instruction.path}\`.`);
          mayHaveChanged = true;
          break;
        }
        case "run":
          await runCommand(task, instruction.command, signal, emit, id);
          done.push(`Ran \`${instruction.command}\`.`);
          mayHaveChanged = true; // a command may write files; the caller checks the workspace
          break;
        case "sleep":
          await emit({ kind: "status", text: `Sleeping ${instruction.seconds} s…` });
          await sleep(instruction.seconds * 1000, signal);
          break;
        case "answer":
          await emit({ kind: "message", text: instruction.text });
          answers.push(instruction.text);
          break;
        case "echo_prompt":
          await emit({ kind: "message", text: task.prompt });
          answers.push(`The prompt I received:\n\n${task.prompt}`);
          break;
        case "review_summary":
          reviewSummary = instruction.text;
          break;
        case "finding":
          findings.push({ file: instruction.file, line: instruction.line, side: instruction.side, body: instruction.body });
          break;
        case "fail":
          await emit({ kind: "error", message: instruction.reason });
          return { outcome: "failed", summary: `I stopped: ${instruction.reason}`, error: instruction.reason };
      }
    }
  } catch (err) {
    if (err instanceof Stopped || signal.aborted) {
      const cancelled = task.signal.aborted;
      const error = cancelled ? "Cancelled" : `Timed out after ${Math.round(task.timeoutMs / 1000)} s`;
      return { outcome: "failed", summary: done.join("\n") || error, error, ...(cancelled ? { cancelled: true } : { timedOut: true }) };
    }
    if (err instanceof LimitStop || err instanceof SandboxUnavailableError) {
      await emit({ kind: "error", message: err.message });
      return { outcome: "failed", summary: err.message, error: err.message };
    }
    if (err instanceof UnsafePathError) {
      await emit({ kind: "error", message: err.message });
      return { outcome: "failed", summary: err.message, error: err.message };
    }
    // Anything else (an unreadable file, a directory where a file should be) ends the run as failed.
    const message = err instanceof Error ? err.message : String(err);
    await emit({ kind: "error", message });
    return { outcome: "failed", summary: `I stopped on an error: ${message}`, error: message };
  }

  if (reviewSummary !== null || findings.length > 0) {
    const text = reviewSummary ?? `I have ${findings.length} finding(s).`;
    const summary = `${[...answers, text].join("\n\n")}\n\n${renderReviewBlock({ summary: text, findings })}`;
    await emit({ kind: "message", text: summary });
    return { outcome: "answered", summary };
  }
  if (mayHaveChanged) {
    const summary = [...done, ...answers].join("\n");
    await emit({ kind: "message", text: `Done. ${summary}` });
    return { outcome: "resolved", summary };
  }
  if (answers.length > 0) return { outcome: "answered", summary: answers.join("\n\n") };
  const summary = "I followed the instructions, but none of them changes files or answers anything.";
  await emit({ kind: "message", text: summary });
  return { outcome: "not_resolved", summary };
}
