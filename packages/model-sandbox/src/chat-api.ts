// The OpenAI Chat Completions subset that OpenCode's OpenAI-compatible provider uses (checked with
// OpenCode 1.18.33, issue 15): `POST {baseURL}/chat/completions` with `stream: true`, answered by
// `data:` chunks (chat.completion.chunk) and `data: [DONE]`. Tool calls are `tool_calls` on the
// assistant message; their results come back as `role: "tool"` messages.
// Reference: https://platform.openai.com/docs/api-reference/chat/streaming
import { z } from "zod";
import { contentText } from "./responses-api";
import { isAgentContext, nextShellStep, type ShellStep } from "./brain";

const toolCallSchema = z.looseObject({ id: z.string(), function: z.looseObject({ name: z.string(), arguments: z.string().optional() }) });
export const chatRequestSchema = z.looseObject({
  model: z.string(),
  stream: z.boolean().optional(),
  messages: z.array(
    z.looseObject({
      role: z.string(),
      content: z.union([z.string(), z.array(z.looseObject({ type: z.string(), text: z.string().optional() })), z.null()]).optional(),
      tool_calls: z.array(toolCallSchema).optional(),
      tool_call_id: z.string().optional(),
    }),
  ),
  tools: z.array(z.looseObject({ type: z.string(), function: z.looseObject({ name: z.string() }).optional() })).optional(),
});
export type ChatRequest = z.infer<typeof chatRequestSchema>;

/** OpenCode's shell tool. */
export const OPENCODE_SHELL_TOOL = "bash";

function findTask(messages: ChatRequest["messages"]): { index: number; text: string } | null {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m?.role !== "user") continue;
    const parts = typeof m.content === "string" ? [m.content] : (m.content ?? []).map((p) => p.text ?? "");
    const text = parts.filter((t) => !isAgentContext(t)).join("\n").trim();
    if (text !== "") return { index: i, text };
  }
  return null;
}

/** OpenCode hands the model the command's output; a failing command's output ends with its exit code. */
function exitCodeOf(output: string): number {
  const m = /exit code:? (-?\d+)/i.exec(output);
  return m ? Number(m[1]) : 0;
}

export function chatTurn(body: ChatRequest): ShellStep {
  const task = findTask(body.messages);
  const exitCodes: (number | null)[] = [];
  const shellIds = new Map<string, number>();
  for (const m of body.messages.slice((task?.index ?? body.messages.length) + 1)) {
    for (const call of m.tool_calls ?? []) if (call.function.name === OPENCODE_SHELL_TOOL) shellIds.set(call.id, exitCodes.push(null) - 1);
    const at = m.role === "tool" ? shellIds.get(m.tool_call_id ?? "") : undefined;
    if (at !== undefined) exitCodes[at] = exitCodeOf(contentText(m.content));
  }
  const step = nextShellStep(task?.text ?? null, exitCodes);
  // A request without the shell tool (OpenCode's title request) gets words: the task's first line.
  const hasShell = body.tools?.some((t) => t.function?.name === OPENCODE_SHELL_TOOL) ?? false;
  return step.type === "command" && !hasShell ? { type: "message", text: task?.text.split("\n")[0] ?? "" } : step;
}

function messageOf(step: ShellStep, n: number): Record<string, unknown> {
  return step.type === "command"
    ? { role: "assistant", content: null, tool_calls: [{ id: `call_sandbox_${n}`, type: "function", function: { name: OPENCODE_SHELL_TOOL, arguments: JSON.stringify({ command: step.cmd, description: "Run the next scripted step" }) } }] }
    : { role: "assistant", content: step.text };
}

function usage(inputChars: number, step: ShellStep): Record<string, number> {
  const prompt = Math.ceil(inputChars / 4);
  const completion = Math.ceil((step.type === "command" ? step.cmd : step.text).length / 4);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

export function chatResponse(step: ShellStep, n: number, model: string, inputChars: number): Record<string, unknown> {
  return {
    id: `chatcmpl-sandbox-${n}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: messageOf(step, n), finish_reason: step.type === "command" ? "tool_calls" : "stop" }],
    usage: usage(inputChars, step),
  };
}

/** The chunks of one streamed response: the whole delta, then the finish reason with usage. */
export function chatChunks(step: ShellStep, n: number, model: string, inputChars: number): Record<string, unknown>[] {
  const base = { id: `chatcmpl-sandbox-${n}`, object: "chat.completion.chunk", created: Math.floor(Date.now() / 1000), model };
  const message = messageOf(step, n);
  const delta = step.type === "command" ? { role: "assistant", tool_calls: (message.tool_calls as Record<string, unknown>[]).map((c, index) => ({ index, ...c })) } : message;
  return [
    { ...base, choices: [{ index: 0, delta, finish_reason: null }] },
    { ...base, choices: [{ index: 0, delta: {}, finish_reason: step.type === "command" ? "tool_calls" : "stop" }], usage: usage(inputChars, step) },
  ];
}

export const chatErrorBody = (message: string) => ({ error: { message, type: "server_error", code: "sandbox_fail" } });
