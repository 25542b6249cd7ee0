// The model sandbox's "brain": given the conversation an agent CLI sends, it decides the next turn.
// It reads the task (the last user message) with the scripted runtime's instruction language and
// turns each instruction into one shell command, in order, one call per response. Once every call
// has its output, it answers with a final message summarising what was done. Deterministic: the same
// input always gives the same answer, so tests and benchmarks can rely on it.
// `nextShellStep` is the dialect-neutral core every API of the sandbox uses (Codex's Responses API,
// Anthropic Messages, Gemini, Chat Completions); `decideNextTurn` is its Responses API form.
import { posix } from "node:path";
import { parseInstructions, type Instruction } from "./instructions";
import { contentText, functionCallInputSchema, functionCallOutputInputSchema, messageInputSchema, type InputItem } from "./responses-api";

export type NextTurn =
  | { type: "call"; name: "exec_command" | "write_stdin"; args: Record<string, unknown> }
  | { type: "message"; text: string };

export const NO_INSTRUCTION_MESSAGE =
  "I found no instruction I understand in this task. I follow lines such as `create file PATH with content TEXT`, `append TEXT to PATH`, `delete file PATH`, `answer: TEXT`, `fail: REASON`, `sleep N` and `run: COMMAND`.";

/** Codex's longest allowed wait for a command's output before it hands back a session id (ms). */
const YIELD_MS = 30_000;

interface Step {
  cmd: string;
  /** What the final message says about this step, e.g. "Created `docs/hello.md`." */
  done: string;
}

interface Plan {
  steps: Step[];
  answers: string[];
  /** Why the agent stops before (or instead of) the remaining work: `fail:` or a refused path. */
  stop: string | null;
  understood: boolean;
}

function quote(s: string): string {
  return /^[A-Za-z0-9_./@%+=:,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Same rule as the scripted runtime: relative, no `..`, not inside `.git`. */
function unsafePathReason(path: string): string | null {
  if (path.trim() === "") return "it is empty";
  if (path.startsWith("/")) return "absolute paths are not allowed";
  const parts = path.split(/[\\/]+/);
  if (parts.includes("..")) return "'..' is not allowed";
  if (parts.filter((p) => p !== "" && p !== ".")[0] === ".git") return "the .git directory is off limits";
  return null;
}

/**
 * `cat > P <<'EOF'` with a delimiter that no content line equals. Content with `$` or backticks is
 * written with one single-quoted printf argument instead: Gemini CLI refuses any command with a
 * backtick or `$(` outside single quotes ("command substitution detected"), a quoted heredoc included.
 */
function heredoc(op: ">" | ">>", path: string, content: string): string {
  const body = content.endsWith("\n") ? content.slice(0, -1) : content;
  const dir = posix.dirname(path);
  const mkdir = dir === "." ? "" : `mkdir -p ${quote(dir)} && `;
  if (/[`$]/.test(body)) return `${mkdir}printf '%s\\n' '${body.replace(/'/g, `'\\''`)}' ${op} ${quote(path)}`;
  const lines = new Set(body.split("\n"));
  let delimiter = "EOF";
  for (let i = 1; lines.has(delimiter); i++) delimiter = `EOF_${i}`;
  return `${mkdir}cat ${op} ${quote(path)} <<'${delimiter}'\n${body}\n${delimiter}`;
}

function fileStep(instruction: Extract<Instruction, { type: "create" | "append" | "delete" }>): Step {
  const p = quote(instruction.path);
  switch (instruction.type) {
    case "create":
      return instruction.content === ""
        ? { cmd: `${posix.dirname(instruction.path) === "." ? "" : `mkdir -p ${quote(posix.dirname(instruction.path))} && `}: > ${p}`, done: `Created \`${instruction.path}\`.` }
        : { cmd: heredoc(">", instruction.path, instruction.content), done: `Created \`${instruction.path}\`.` };
    case "append":
      return { cmd: heredoc(">>", instruction.path, instruction.text), done: `Appended to \`${instruction.path}\`.` };
    case "delete":
      return { cmd: `rm ${p}`, done: `Deleted \`${instruction.path}\`.` };
  }
}

export function planFor(task: string): Plan {
  const instructions = parseInstructions(task);
  const plan: Plan = { steps: [], answers: [], stop: null, understood: instructions.length > 0 };
  for (const instruction of instructions) {
    switch (instruction.type) {
      case "create":
      case "append":
      case "delete": {
        const reason = unsafePathReason(instruction.path);
        if (reason) {
          plan.stop = `I will not touch \`${instruction.path}\`: ${reason}.`;
          return plan;
        }
        plan.steps.push(fileStep(instruction));
        break;
      }
      case "run":
        plan.steps.push({ cmd: instruction.command, done: `Ran \`${instruction.command}\`.` });
        break;
      case "sleep":
        plan.steps.push({ cmd: `sleep ${instruction.seconds}`, done: `Waited ${instruction.seconds} s.` });
        break;
      case "answer":
        plan.answers.push(instruction.text);
        break;
      case "fail":
        plan.stop = instruction.reason;
        return plan;
    }
  }
  return plan;
}

/**
 * Agents add context as user text too: Codex (environment, AGENTS.md), Claude Code (`<system-reminder>`
 * blocks). The task is the last user text that is not such context.
 */
export function isAgentContext(text: string): boolean {
  const t = text.trim();
  return (t.startsWith("<") && t.endsWith(">")) || t.startsWith("# AGENTS.md instructions");
}

/** Index and text of the task message: the last user message that is not Codex's own context. */
export function findTask(input: InputItem[]): { index: number; text: string } | null {
  for (let i = input.length - 1; i >= 0; i--) {
    const message = messageInputSchema.safeParse(input[i]);
    if (!message.success || message.data.role !== "user") continue;
    const text = contentText(message.data.content);
    if (!isAgentContext(text)) return { index: i, text };
  }
  return null;
}

function exitCodeOf(output: string): number | null {
  const m = /Process exited with code (-?\d+)/.exec(output);
  return m ? Number(m[1]) : null;
}

function finalMessage(plan: Plan, exitCodes: (number | null)[]): string {
  if (!plan.understood) return NO_INSTRUCTION_MESSAGE;
  const done = plan.steps.map((s, i) => {
    const code = exitCodes[i];
    return code !== null && code !== undefined && code !== 0 ? `${s.done.replace(/\.$/, "")} (exit code ${code}).` : s.done;
  });
  const parts: string[] = [];
  if (plan.stop !== null) {
    parts.push([...done, `I could not finish the task: ${plan.stop}`].join(" "));
  } else if (done.length > 0) {
    parts.push(`Done. ${done.join(" ")}`);
  }
  parts.push(...plan.answers);
  return parts.join("\n\n") || "There was nothing to do.";
}

/** What the model does next, in any API: run one shell command, or end with a message. */
export type ShellStep = { type: "command"; cmd: string } | { type: "message"; text: string };

/**
 * The dialect-neutral brain: given the task and the exit codes of the commands already run (in order;
 * null when unknown), the next command, or the final message once every step ran.
 */
export function nextShellStep(task: string | null, exitCodes: (number | null)[]): ShellStep {
  if (task === null) return { type: "message", text: NO_INSTRUCTION_MESSAGE };
  const plan = planFor(task);
  const next = plan.steps[exitCodes.length];
  if (next) return { type: "command", cmd: next.cmd };
  return { type: "message", text: finalMessage(plan, exitCodes) };
}

/**
 * The next thing the model says. Calls come one per response, in the order of the instructions; a
 * command still running when Codex yields (its output says "Process running with session ID N") is
 * polled with `write_stdin` until it ends.
 */
export function decideNextTurn(input: InputItem[]): NextTurn {
  const task = findTask(input);
  if (!task) return { type: "message", text: NO_INSTRUCTION_MESSAGE };
  const after = input.slice(task.index + 1);

  const last = after[after.length - 1];
  const lastOutput = functionCallOutputInputSchema.safeParse(last);
  if (lastOutput.success) {
    const running = /Process running with session ID (\d+)/.exec(contentText(lastOutput.data.output));
    if (running) return { type: "call", name: "write_stdin", args: { session_id: Number(running[1]), chars: "", yield_time_ms: YIELD_MS } };
  }

  // Each exec_command call is one step; its final exit code is in the last output of its session.
  const exitCodes: (number | null)[] = [];
  for (const item of after) {
    const call = functionCallInputSchema.safeParse(item);
    if (call.success && call.data.name === "exec_command") exitCodes.push(null);
    const output = functionCallOutputInputSchema.safeParse(item);
    if (output.success && exitCodes.length > 0) {
      const code = exitCodeOf(contentText(output.data.output));
      if (code !== null) exitCodes[exitCodes.length - 1] = code;
    }
  }
  const step = nextShellStep(task.text, exitCodes);
  if (step.type === "command") return { type: "call", name: "exec_command", args: { cmd: step.cmd, login: false, yield_time_ms: YIELD_MS } };
  return step;
}
