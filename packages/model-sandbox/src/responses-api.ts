// The subset of OpenAI's Responses API that Codex CLI uses (checked with codex-cli 0.169.0, issue 9):
// `POST {base_url}/responses` with `stream: true`, answered by server-sent events. Only the fields the
// model sandbox reads are validated; everything else Codex sends (tools, reasoning, metadata) passes.
import { z } from "zod";

const contentPart = z.looseObject({ type: z.string(), text: z.string().optional() });

/** `output` of a function_call_output: a string, or (newer clients) a list of content parts. */
const toolOutput = z.union([z.string(), z.array(contentPart)]);

export const messageInputSchema = z.looseObject({ type: z.literal("message"), role: z.string(), content: z.union([z.string(), z.array(contentPart)]) });
export const functionCallInputSchema = z.looseObject({ type: z.literal("function_call"), call_id: z.string(), name: z.string(), arguments: z.string() });
export const functionCallOutputInputSchema = z.looseObject({ type: z.literal("function_call_output"), call_id: z.string(), output: toolOutput });

/** Any input item; reasoning, custom_tool_call, … are kept so positions stay meaningful, never interpreted. */
export const inputItemSchema = z.looseObject({ type: z.string() });
export type InputItem = z.infer<typeof inputItemSchema>;

export const responsesRequestSchema = z.looseObject({
  model: z.string(),
  stream: z.boolean().optional(),
  input: z.array(inputItemSchema),
  tools: z.array(z.looseObject({ type: z.string(), name: z.string().optional() })).optional(),
});
export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;

/** Plain text of a message's or a tool output's content. */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part: unknown) => (typeof part === "object" && part !== null && "text" in part && typeof part.text === "string" ? part.text : ""))
    .join("");
}

export type OutputItem =
  | { type: "function_call"; id: string; call_id: string; name: string; arguments: string; status: "completed" }
  | { type: "message"; id: string; role: "assistant"; status: "completed"; content: { type: "output_text"; text: string; annotations: [] }[] };

export function functionCallItem(callId: string, name: string, args: Record<string, unknown>): OutputItem {
  return { type: "function_call", id: `fc_${callId}`, call_id: callId, name, arguments: JSON.stringify(args), status: "completed" };
}

export function messageItem(id: string, text: string): OutputItem {
  return { type: "message", id: `msg_${id}`, role: "assistant", status: "completed", content: [{ type: "output_text", text, annotations: [] }] };
}

/** Rough token counts; Codex only needs a well-formed `usage` object on response.completed. */
function usage(inputChars: number, outputChars: number): Record<string, unknown> {
  const input = Math.ceil(inputChars / 4);
  const output = Math.ceil(outputChars / 4);
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: input + output,
  };
}

/**
 * The SSE events of one complete streamed response holding a single output item:
 * response.created → output_item.added → (output_text.delta) → output_item.done → response.completed.
 */
export function responseEvents(responseId: string, model: string, item: OutputItem, inputChars: number): Record<string, unknown>[] {
  const base = { id: responseId, object: "response", created_at: Math.floor(Date.now() / 1000), model };
  const events: Record<string, unknown>[] = [
    { type: "response.created", response: { ...base, status: "in_progress", output: [] } },
    { type: "response.output_item.added", output_index: 0, item: { ...item, status: "in_progress" } },
  ];
  if (item.type === "message") {
    const text = item.content[0]?.text ?? "";
    events.push({ type: "response.output_text.delta", item_id: item.id, output_index: 0, content_index: 0, delta: text });
  }
  const outputChars = item.type === "message" ? (item.content[0]?.text.length ?? 0) : item.arguments.length;
  events.push(
    { type: "response.output_item.done", output_index: 0, item },
    { type: "response.completed", response: { ...base, status: "completed", output: [item], usage: usage(inputChars, outputChars) } },
  );
  return events.map((e, i) => ({ ...e, sequence_number: i }));
}

export function sseFrame(event: Record<string, unknown>): string {
  return `event: ${String(event.type)}\ndata: ${JSON.stringify(event)}\n\n`;
}
