// The Anthropic Messages API subset that Claude Code uses (checked with Claude Code 2.1.197, issue 15):
// `POST {ANTHROPIC_BASE_URL}/v1/messages?beta=true` with `stream: true`, answered by server-sent
// events message_start → content_block_start/delta/stop → message_delta → message_stop. Tool calls
// are `tool_use` blocks; their results come back as `tool_result` blocks in the next user message.
// Reference: https://docs.anthropic.com/en/api/messages-streaming
import { z } from "zod";
import { isAgentContext, nextShellStep, type ShellStep } from "./brain";

const blockSchema = z.looseObject({
  type: z.string(),
  text: z.string().optional(),
  id: z.string().optional(),
  name: z.string().optional(),
  tool_use_id: z.string().optional(),
  content: z.unknown().optional(),
  is_error: z.boolean().optional(),
});
export const messagesRequestSchema = z.looseObject({
  model: z.string(),
  stream: z.boolean().optional(),
  messages: z.array(z.looseObject({ role: z.string(), content: z.union([z.string(), z.array(blockSchema)]) })),
  tools: z.array(z.looseObject({ name: z.string() })).optional(),
});
export type MessagesRequest = z.infer<typeof messagesRequestSchema>;
type Block = z.infer<typeof blockSchema>;

/** Claude Code's shell tool. */
export const CLAUDE_SHELL_TOOL = "Bash";

const blocksOf = (content: string | Block[]): Block[] => (typeof content === "string" ? [{ type: "text", text: content }] : content);

function textOfResult(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((b: unknown) => (typeof b === "object" && b !== null && "text" in b && typeof b.text === "string" ? b.text : "")).join("");
}

/** The task: the last user message carrying text other than Claude Code's `<system-reminder>` context. */
function findTask(messages: MessagesRequest["messages"]): { index: number; text: string } | null {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m?.role !== "user") continue;
    const text = blocksOf(m.content)
      .filter((b) => b.type === "text" && b.text !== undefined && !isAgentContext(b.text))
      .map((b) => b.text ?? "")
      .join("\n")
      .trim();
    if (text !== "") return { index: i, text };
  }
  return null;
}

/** Claude Code reports a failed command as an error result whose text starts with "Exit code N". */
function exitCodeOf(block: Block): number {
  if (!block.is_error) return 0;
  const m = /Exit code (-?\d+)/.exec(textOfResult(block.content));
  return m ? Number(m[1]) : 1;
}

export function messagesTurn(body: MessagesRequest): ShellStep {
  const task = findTask(body.messages);
  const exitCodes: (number | null)[] = [];
  const shellIds = new Map<string, number>();
  for (const m of body.messages.slice((task?.index ?? body.messages.length) + 1)) {
    for (const b of blocksOf(m.content)) {
      if (b.type === "tool_use" && b.name === CLAUDE_SHELL_TOOL) shellIds.set(b.id ?? "", exitCodes.push(null) - 1);
      const at = b.type === "tool_result" ? shellIds.get(b.tool_use_id ?? "") : undefined;
      if (at !== undefined) exitCodes[at] = exitCodeOf(b);
    }
  }
  const step = nextShellStep(task?.text ?? null, exitCodes);
  // Without the shell tool (e.g. a side request) the model can only answer in words.
  const hasShell = body.tools?.some((t) => t.name === CLAUDE_SHELL_TOOL) ?? false;
  return step.type === "command" && !hasShell ? { type: "message", text: task?.text.split("\n")[0] ?? "" } : step;
}

type ContentBlock = { type: "text"; text: string } | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> };

function contentOf(step: ShellStep, n: number): ContentBlock {
  return step.type === "command"
    ? { type: "tool_use", id: `toolu_sandbox_${n}`, name: CLAUDE_SHELL_TOOL, input: { command: step.cmd, description: "Run the next scripted step" } }
    : { type: "text", text: step.text };
}

const usage = (inputChars: number, outputChars: number) => ({ input_tokens: Math.ceil(inputChars / 4), output_tokens: Math.ceil(outputChars / 4) });

/** A complete (non-streamed) Messages API response. */
export function messagesResponse(step: ShellStep, n: number, model: string, inputChars: number): Record<string, unknown> {
  const block = contentOf(step, n);
  return {
    id: `msg_sandbox_${n}`,
    type: "message",
    role: "assistant",
    model,
    content: [block],
    stop_reason: block.type === "tool_use" ? "tool_use" : "end_turn",
    stop_sequence: null,
    usage: usage(inputChars, JSON.stringify(block).length),
  };
}

/** The SSE events of one streamed response holding a single content block. */
export function messagesEvents(step: ShellStep, n: number, model: string, inputChars: number): Record<string, unknown>[] {
  const full = messagesResponse(step, n, model, inputChars);
  const block = contentOf(step, n);
  const start = block.type === "tool_use" ? { ...block, input: {} } : { type: "text", text: "" };
  const delta = block.type === "tool_use" ? { type: "input_json_delta", partial_json: JSON.stringify(block.input) } : { type: "text_delta", text: block.text };
  return [
    { type: "message_start", message: { ...full, content: [], stop_reason: null, usage: { ...(full.usage as object), output_tokens: 1 } } },
    { type: "content_block_start", index: 0, content_block: start },
    { type: "content_block_delta", index: 0, delta },
    { type: "content_block_stop", index: 0 },
    { type: "message_delta", delta: { stop_reason: full.stop_reason, stop_sequence: null }, usage: { output_tokens: (full.usage as { output_tokens: number }).output_tokens } },
    { type: "message_stop" },
  ];
}

/** Anthropic's error shape: https://docs.anthropic.com/en/api/errors */
export const messagesErrorBody = (message: string) => ({ type: "error", error: { type: "api_error", message } });
