import { z } from "zod";
import { outputEvent, type AgentEvent } from "../events";
import { ENDPOINT_FAILURE_PREFIX } from "./codex";
import { textOf, type OutputParser } from "./types";

/** "[API Error: reason]" → "The model endpoint failed: reason". */
function failureText(message: string): string {
  const api = /^\[API Error: ([\s\S]*)\]$/.exec(message.trim());
  return api ? `${ENDPOINT_FAILURE_PREFIX}${api[1]}` : message;
}

/**
 * Gemini CLI `-p … --output-format stream-json`: JSONL events `init`, `message` {role, content,
 * delta?}, `tool_use` {tool_name, tool_id, parameters}, `tool_result` {tool_id, status, output,
 * error}, `error` {severity, message} and `result` {status, error?, stats}.
 * Checked against real output of Gemini CLI 0.61.0 (fixtures/gemini-*.jsonl, issue 15): a shell
 * command's `tool_result` says "success" whatever its exit code (the code is not in the stream), and
 * an endpoint failure ends the stream with `result` {status: "error", error.message "[API Error: …]"}.
 * Source: geminicli.com/docs/cli/headless ("Streaming JSON output").
 */
const lineSchema = z.looseObject({
  type: z.string(),
  role: z.string().optional(),
  content: z.unknown().optional(),
  delta: z.boolean().optional(),
  tool_name: z.string().optional(),
  tool_id: z.string().optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
  status: z.string().optional(),
  output: z.unknown().optional(),
  severity: z.string().optional(),
  message: z.string().optional(),
  error: z.looseObject({ message: z.string().optional() }).optional(),
});

const SHELL_TOOLS = new Set(["run_shell_command", "shell"]);
const EDIT_TOOLS: Record<string, "create" | "modify"> = { write_file: "create", replace: "modify", edit: "modify" };

export function createGeminiParser(): OutputParser {
  const shellIds = new Set<string>();
  let pending = ""; // assistant message chunks (delta: true) are joined into one message
  let failed: string | null = null;

  const flush = (): AgentEvent[] => {
    const text = pending.trim();
    pending = "";
    return text ? [{ kind: "message", text }] : [];
  };

  const handle = (line: z.infer<typeof lineSchema>): AgentEvent[] | null => {
    const param = (key: string): string | undefined => {
      const v = line.parameters?.[key];
      return typeof v === "string" ? v : undefined;
    };
    switch (line.type) {
      case "init":
        return [];
      case "tool_use": {
        const name = line.tool_name ?? "tool";
        const id = line.tool_id ?? name;
        if (SHELL_TOOLS.has(name)) {
          shellIds.add(id);
          return [{ kind: "command", id, command: param("command") ?? "" }];
        }
        const path = param("file_path") ?? param("path");
        const action = EDIT_TOOLS[name];
        return action && path ? [{ kind: "file_edit", path, action }] : [{ kind: "status", text: `${name} ${path ?? ""}`.trim() }];
      }
      case "tool_result": {
        if (!line.tool_id || !shellIds.has(line.tool_id)) return [];
        const text = textOf(line.output) || line.error?.message || "";
        // "success" does not mean exit code 0 (see above): the code is unknown unless the tool failed.
        return [outputEvent(text, { commandId: line.tool_id, exitCode: line.status === "error" ? 1 : null })];
      }
      case "error": {
        const message = line.message ?? line.error?.message ?? "Gemini CLI reported an error";
        return [line.severity === "warning" ? { kind: "status", text: message } : { kind: "error", message }];
      }
      case "result":
        if (line.status && line.status !== "success") {
          failed = line.error?.message ? failureText(line.error.message) : `Gemini CLI finished with status ${line.status}`;
          return [{ kind: "error", message: failed }];
        }
        return [];
      default:
        return null;
    }
  };

  return {
    parseJson(value) {
      const parsed = lineSchema.safeParse(value);
      if (!parsed.success) return null;
      const line = parsed.data;
      if (line.type === "message") {
        if (line.role !== "assistant") return [];
        const text = textOf(line.content);
        if (line.delta) {
          pending += text;
          return [];
        }
        return [...flush(), ...(text.trim() ? [{ kind: "message", text } as AgentEvent] : [])];
      }
      const events = handle(line);
      return events === null ? null : [...flush(), ...events];
    },
    finish: flush,
    failure: () => failed,
    summary: () => null,
  };
}
