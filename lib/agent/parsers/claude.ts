import { z } from "zod";
import { outputEvent, type AgentEvent } from "../events";
import { ENDPOINT_FAILURE_PREFIX } from "./codex";
import { textOf, type OutputParser } from "./types";

/**
 * Claude Code `-p --output-format stream-json --verbose`: one message per line, `system` (init),
 * `assistant` (message.content blocks: text, tool_use{id,name,input}), `user` (tool_result blocks
 * {tool_use_id, content, is_error}) and a final `result` {subtype, is_error, result, api_error_status}.
 * Checked against real output of Claude Code 2.1.197 (fixtures/claude-code-*.jsonl, issue 15): a
 * failing command's result is an error whose text starts with "Exit code N"; retries of the endpoint
 * are `system`/`api_retry` lines; when the endpoint fails, Claude Code adds a "<synthetic>" assistant
 * message with the error and ends with `result` {is_error: true, api_error_status}.
 * Source: docs.claude.com/en/docs/claude-code/headless ("Streaming JSON output").
 */
const blockSchema = z.looseObject({
  type: z.string(),
  text: z.string().optional(),
  id: z.string().optional(),
  name: z.string().optional(),
  input: z.record(z.string(), z.unknown()).optional(),
  tool_use_id: z.string().optional(),
  content: z.unknown().optional(),
  is_error: z.boolean().optional(),
});
const lineSchema = z.looseObject({
  type: z.string(),
  subtype: z.string().optional(),
  message: z.looseObject({ model: z.string().optional(), content: z.union([z.string(), z.array(blockSchema)]).optional() }).optional(),
  is_error: z.boolean().optional(),
  result: z.string().optional(),
  api_error_status: z.number().nullable().optional(),
  attempt: z.number().optional(),
  max_retries: z.number().optional(),
  error_status: z.number().nullable().optional(),
});

/** "Exit code 2\nls: …" → 2; a failed tool without that line (denied, crashed) counts as 1. */
function exitCodeOf(block: { is_error?: boolean; content?: unknown }): number {
  if (!block.is_error) return 0;
  const m = /^Exit code (-?\d+)/.exec(textOf(block.content));
  return m ? Number(m[1]) : 1;
}

const EDIT_TOOLS: Record<string, "create" | "modify"> = { Write: "create", Edit: "modify", MultiEdit: "modify", NotebookEdit: "modify" };

function str(input: Record<string, unknown> | undefined, key: string): string | undefined {
  const v = input?.[key];
  return typeof v === "string" ? v : undefined;
}

export function createClaudeParser(): OutputParser {
  const shellIds = new Set<string>();
  let failed: string | null = null;
  let result: string | null = null;

  const toolUse = (block: z.infer<typeof blockSchema>): AgentEvent[] => {
    const id = block.id ?? "";
    const name = block.name ?? "tool";
    if (name === "Bash") {
      shellIds.add(id);
      return [{ kind: "command", id, command: str(block.input, "command") ?? "" }];
    }
    const path = str(block.input, "file_path") ?? str(block.input, "notebook_path");
    const action = EDIT_TOOLS[name];
    if (action && path) return [{ kind: "file_edit", path, action }];
    const target = path ?? str(block.input, "pattern") ?? str(block.input, "url") ?? "";
    return [{ kind: "status", text: `${name} ${target}`.trim() }];
  };

  return {
    parseJson(value) {
      const parsed = lineSchema.safeParse(value);
      if (!parsed.success) return null;
      const line = parsed.data;
      const content = line.message?.content;
      const blocks = typeof content === "string" ? [{ type: "text", text: content }] : content ?? [];
      switch (line.type) {
        case "system":
          if (line.subtype === "api_retry") {
            const status = line.error_status ? ` (${line.error_status})` : "";
            return [{ kind: "status", text: `Reconnecting… ${line.attempt ?? "?"}/${line.max_retries ?? "?"}${status}` }];
          }
          return [];
        case "assistant":
          // Claude Code's own error text, posing as a message; the `result` line reports it as the failure.
          if (line.message?.model === "<synthetic>") return [];
          return blocks.flatMap((b): AgentEvent[] => {
            if (b.type === "text" && b.text) return [{ kind: "message", text: b.text }];
            if (b.type === "tool_use") return toolUse(b);
            return [];
          });
        case "user":
          // Only shell results are worth showing; file reads would flood the timeline.
          return blocks.flatMap((b): AgentEvent[] =>
            b.type === "tool_result" && b.tool_use_id && shellIds.has(b.tool_use_id)
              ? [outputEvent(textOf(b.content), { commandId: b.tool_use_id, exitCode: exitCodeOf(b) })]
              : [],
          );
        case "result":
          if (line.result) result = line.result;
          if (line.is_error || (line.subtype ?? "success") !== "success") {
            const reason = line.result ?? line.subtype ?? "Claude Code reported an error";
            // An HTTP status means the model endpoint answered with an error (after Claude Code's retries).
            failed = typeof line.api_error_status === "number" ? `${ENDPOINT_FAILURE_PREFIX}${reason}` : reason;
            return [{ kind: "error", message: failed }];
          }
          return [];
        default:
          return null;
      }
    },
    finish: () => [],
    failure: () => failed,
    summary: () => result,
  };
}
