import { z } from "zod";
import { outputEvent, type AgentEvent } from "../events";
import type { OutputParser } from "./types";

/**
 * `codex exec --json` (checked with codex-cli 0.169.0, see issue 9): thread.started, turn.started,
 * item.started / item.completed with items `command_execution` (command, aggregated_output, exit_code,
 * status), `agent_message` (text), `error` (message) and `file_change` (changes[].path/kind),
 * then turn.completed or turn.failed (error.message).
 *
 * Errors come at two levels, and mean different things:
 * - an `error` ITEM is a warning (Codex's Warning/ConfigWarning notices, e.g. "Model metadata for `x`
 *   not found"): the run goes on, so it becomes a status line, not an error;
 * - a top-level `error` is either a retry notice ("Reconnecting... 1/5 (…)", a status) or the error
 *   that ends the turn, followed by `turn.failed` with the same text. Turn errors come from the model
 *   stream (5xx after the retries, 4xx, context or quota limits), so they are reported as "The model
 *   endpoint failed: …" — Codex's own text for a 5xx does not say where the failure is.
 */
const itemSchema = z.looseObject({
  id: z.string().optional(),
  type: z.string(),
  command: z.string().optional(),
  aggregated_output: z.string().optional(),
  exit_code: z.number().int().nullable().optional(),
  text: z.string().optional(),
  message: z.string().optional(),
  changes: z.array(z.looseObject({ path: z.string(), kind: z.string().optional() })).optional(),
});
const lineSchema = z.looseObject({
  type: z.string(),
  item: itemSchema.optional(),
  message: z.string().optional(),
  error: z.looseObject({ message: z.string().optional() }).optional(),
});

const FILE_ACTION: Record<string, "create" | "modify" | "delete"> = { add: "create", delete: "delete", update: "modify" };
const IGNORED = new Set(["thread.started", "turn.started", "turn.completed", "item.updated"]);

export const ENDPOINT_FAILURE_PREFIX = "The model endpoint failed: ";

function endpointFailure(message: string): string {
  return message.startsWith(ENDPOINT_FAILURE_PREFIX) ? message : `${ENDPOINT_FAILURE_PREFIX}${message}`;
}

export function createCodexParser(): OutputParser {
  const started = new Set<string>();
  let failed: string | null = null;
  let lastError: string | null = null;
  let counter = 0;

  const itemEvents = (phase: "started" | "completed", item: z.infer<typeof itemSchema>): AgentEvent[] | null => {
    const id = item.id ?? `codex-${++counter}`;
    switch (item.type) {
      case "command_execution": {
        const events: AgentEvent[] = [];
        if (!started.has(id)) {
          started.add(id);
          events.push({ kind: "command", id, command: item.command ?? "" });
        }
        if (phase === "completed") events.push(outputEvent(item.aggregated_output ?? "", { commandId: id, exitCode: item.exit_code ?? null }));
        return events;
      }
      case "agent_message":
        return phase === "completed" && item.text ? [{ kind: "message", text: item.text }] : [];
      case "error":
        return phase === "completed" ? [{ kind: "status", text: `Warning: ${item.message ?? item.text ?? "Codex reported a problem"}` }] : [];
      case "file_change":
        return phase === "completed" ? (item.changes ?? []).map((c) => ({ kind: "file_edit", path: c.path, action: FILE_ACTION[c.kind ?? ""] ?? "modify" })) : [];
      case "reasoning":
      case "todo_list":
      case "web_search":
      case "mcp_tool_call":
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
      if (IGNORED.has(line.type)) return [];
      if ((line.type === "item.started" || line.type === "item.completed") && line.item) {
        return itemEvents(line.type === "item.started" ? "started" : "completed", line.item);
      }
      if (line.type === "turn.failed") {
        failed = endpointFailure(line.error?.message ?? line.message ?? "Codex reported turn.failed");
        // The top-level `error` just before usually said the same; show it once.
        if (failed === lastError) return [];
        lastError = failed;
        return [{ kind: "error", message: failed }];
      }
      if (line.type === "error") {
        const message = line.message ?? line.error?.message ?? "Codex reported an error";
        // Retries are progress, not failures: Codex prints turn.failed if they run out.
        if (/^reconnecting/i.test(message)) return [{ kind: "status", text: message }];
        lastError = endpointFailure(message);
        return [{ kind: "error", message: lastError }];
      }
      return null;
    },
    finish: () => [],
    failure: () => failed,
    summary: () => null,
  };
}
