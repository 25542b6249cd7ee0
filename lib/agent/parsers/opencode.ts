import { z } from "zod";
import { outputEvent, type AgentEvent } from "../events";
import { ENDPOINT_FAILURE_PREFIX } from "./codex";
import type { OutputParser } from "./types";

/**
 * `opencode run --format json`: newline-delimited events {type, timestamp, sessionID, part} with
 * types `step_start`, `text` (part.text), `tool_use` (part.tool, part.callID, part.state {status,
 * input, output, error, metadata}), `step_finish` and `error` (error {name, data.message}).
 * Checked against real output of OpenCode 1.18.33 (fixtures/opencode-*.jsonl, issue 15): a bash
 * call arrives once, completed, with its exit code in state.metadata.exit; an endpoint failure (after
 * OpenCode's retries) is an `error` line {error: {name: "APIError", data: {message, statusCode}}}.
 * Source: opencode.ai/docs/cli ("run … --format json").
 */
const stateSchema = z.looseObject({
  status: z.string().optional(),
  input: z.record(z.string(), z.unknown()).optional(),
  output: z.string().optional(),
  error: z.string().optional(),
  metadata: z.looseObject({ exit: z.number().int().nullable().optional() }).optional(),
});
const lineSchema = z.looseObject({
  type: z.string(),
  part: z.looseObject({ text: z.string().optional(), tool: z.string().optional(), callID: z.string().optional(), state: stateSchema.optional() }).optional(),
  error: z.looseObject({ name: z.string().optional(), message: z.string().optional(), data: z.looseObject({ message: z.string().optional() }).optional() }).optional(),
});

const EDIT_TOOLS: Record<string, "create" | "modify"> = { write: "create", edit: "modify", patch: "modify", multiedit: "modify" };

export function createOpencodeParser(): OutputParser {
  let failed: string | null = null;
  let counter = 0;

  return {
    parseJson(value) {
      const parsed = lineSchema.safeParse(value);
      if (!parsed.success) return null;
      const { type, part, error } = parsed.data;
      switch (type) {
        case "step_start":
        case "step_finish":
        case "reasoning":
          return [];
        case "text":
          return part?.text?.trim() ? [{ kind: "message", text: part.text }] : [];
        case "tool_use": {
          const tool = part?.tool ?? "tool";
          const id = part?.callID ?? `opencode-${++counter}`;
          const state = part?.state;
          const input = (key: string): string | undefined => {
            const v = state?.input?.[key];
            return typeof v === "string" ? v : undefined;
          };
          if (tool === "bash") {
            const events: AgentEvent[] = [{ kind: "command", id, command: input("command") ?? "" }];
            if (state?.status === "completed" || state?.status === "error") {
              events.push(outputEvent(state.output ?? state.error ?? "", { commandId: id, exitCode: state.metadata?.exit ?? (state.status === "error" ? 1 : 0) }));
            }
            return events;
          }
          const path = input("filePath") ?? input("path");
          const action = EDIT_TOOLS[tool];
          return action && path ? [{ kind: "file_edit", path, action }] : [{ kind: "status", text: `${tool} ${path ?? ""}`.trim() }];
        }
        case "error":
          failed = error?.data?.message ?? error?.message ?? error?.name ?? "OpenCode reported an error";
          if (error?.name === "APIError") failed = `${ENDPOINT_FAILURE_PREFIX}${failed}`;
          return [{ kind: "error", message: failed }];
        default:
          return null;
      }
    },
    finish: () => [],
    failure: () => failed,
    summary: () => null,
  };
}
