import { z } from "zod";
import { outputEvent, type AgentEvent } from "../events";
import type { OutputParser } from "./types";

/**
 * OpenHands CLI `--headless --json`: JSONL agent events such as
 * {"type":"action","action":"run","command":…}, {"type":"observation","content":…},
 * {"type":"action","action":"write","path":…}. The docs show only these examples, so this parser is
 * deliberately tolerant: it maps what it recognises and lets the runtime show anything else raw.
 * Source: docs.openhands.dev/openhands/usage/cli/headless ("JSON Output Mode"); not exercised in CI.
 */
const lineSchema = z.looseObject({
  type: z.string().optional(),
  action: z.string().optional(),
  observation: z.string().optional(),
  command: z.string().optional(),
  path: z.string().optional(),
  content: z.string().optional(),
  message: z.string().optional(),
  thought: z.string().optional(),
  exit_code: z.number().int().nullable().optional(),
  error: z.union([z.string(), z.looseObject({ message: z.string().optional() })]).optional(),
});

export function createOpenhandsParser(): OutputParser {
  let lastCommandId: string | undefined;
  let counter = 0;
  let failed: string | null = null;

  return {
    parseJson(value) {
      const parsed = lineSchema.safeParse(value);
      if (!parsed.success) return null;
      const line = parsed.data;
      const type = (line.type ?? "").toLowerCase();
      if (type === "action") {
        switch (line.action) {
          case "run":
            lastCommandId = `openhands-${++counter}`;
            return [{ kind: "command", id: lastCommandId, command: line.command ?? "" }];
          case "write":
          case "edit":
            return line.path ? [{ kind: "file_edit", path: line.path, action: line.action === "write" ? "create" : "modify" }] : [];
          case "message":
          case "finish": {
            const text = line.message ?? line.content ?? line.thought ?? "";
            return text.trim() ? [{ kind: "message", text }] : [];
          }
          default:
            return [{ kind: "status", text: `${line.action ?? "action"} ${line.path ?? ""}`.trim() }];
        }
      }
      if (type === "observation") {
        if ((line.observation === "run" || line.observation === undefined) && lastCommandId) {
          const events: AgentEvent[] = [outputEvent(line.content ?? "", { commandId: lastCommandId, exitCode: line.exit_code ?? null })];
          lastCommandId = undefined;
          return events;
        }
        return [];
      }
      if (type === "message" && (line.message ?? line.content)) return [{ kind: "message", text: line.message ?? line.content ?? "" }];
      if (type === "error") {
        failed = typeof line.error === "string" ? line.error : line.error?.message ?? line.message ?? "OpenHands reported an error";
        return [{ kind: "error", message: failed }];
      }
      return null;
    },
    finish: () => [],
    failure: () => failed,
    summary: () => null,
  };
}
