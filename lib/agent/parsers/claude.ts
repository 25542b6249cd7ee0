import { z } from "zod";
import { outputEvent, type AgentEvent } from "../events";
import { textOf, type OutputParser } from "./types";

/**
 * Claude Code `-p --output-format stream-json --verbose`: one message per line, `system` (init),
 * `assistant` (message.content blocks: text, tool_use{id,name,input}), `user` (tool_result blocks
 * {tool_use_id, content, is_error}) and a final `result` {subtype, is_error, result}.
 * Source: docs.claude.com/en/docs/claude-code/headless ("Streaming JSON output"); not exercised in CI.
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
  message: z.looseObject({ content: z.union([z.string(), z.array(blockSchema)]).optional() }).optional(),
  is_error: z.boolean().optional(),
  result: z.string().optional(),
});

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
          return [];
        case "assistant":
          return blocks.flatMap((b): AgentEvent[] => {
            if (b.type === "text" && b.text) return [{ kind: "message", text: b.text }];
            if (b.type === "tool_use") return toolUse(b);
            return [];
          });
        case "user":
          // Only shell results are worth showing; file reads would flood the timeline.
          return blocks.flatMap((b): AgentEvent[] =>
            b.type === "tool_result" && b.tool_use_id && shellIds.has(b.tool_use_id)
              ? [outputEvent(textOf(b.content), { commandId: b.tool_use_id, exitCode: b.is_error ? 1 : 0 })]
              : [],
          );
        case "result":
          if (line.result) result = line.result;
          if (line.is_error || (line.subtype ?? "success") !== "success") {
            failed = line.result ?? line.subtype ?? "Claude Code reported an error";
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
