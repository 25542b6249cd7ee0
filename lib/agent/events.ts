import { z } from "zod";

/**
 * What an agent run tells the conversation, in order. Runtimes emit these; the job stores them with a
 * `seq` and the UI renders them. Every runtime (scripted or a real CLI agent) maps its output to this
 * one small vocabulary so storage and the timeline never depend on a particular agent.
 */
export type AgentEvent =
  | { kind: "message"; text: string } // agent prose (markdown)
  | { kind: "command"; id: string; command: string } // a shell command the agent runs
  | { kind: "output"; commandId?: string; text: string; exitCode?: number | null; truncated?: boolean }
  | { kind: "file_edit"; path: string; action: "create" | "modify" | "delete" }
  | { kind: "error"; message: string }
  | { kind: "status"; text: string }; // progress like "Reconnecting… 1/5"

export type AgentEventKind = AgentEvent["kind"];

/**
 * The variants every timeline shares: the conversation's own timeline schema
 * (lib/conversations/event-types.ts) reuses them and adds what the app writes.
 */
export const sharedAgentEventVariants = [
  z.object({ kind: z.literal("message"), text: z.string() }),
  z.object({ kind: z.literal("command"), id: z.string(), command: z.string() }),
  z.object({
    kind: z.literal("output"),
    commandId: z.string().optional(),
    text: z.string(),
    exitCode: z.number().int().nullable().optional(),
    truncated: z.boolean().optional(),
  }),
  z.object({ kind: z.literal("file_edit"), path: z.string(), action: z.enum(["create", "modify", "delete"]) }),
  z.object({ kind: z.literal("error"), message: z.string() }),
] as const;

/** Zod schema for storage and transport; typed against AgentEvent so the two cannot drift apart. */
export const agentEventSchema: z.ZodType<AgentEvent> = z.discriminatedUnion("kind", [
  ...sharedAgentEventVariants,
  z.object({ kind: z.literal("status"), text: z.string() }),
]);

/** Longest output text kept in one event; longer outputs keep their tail (where errors usually are). */
export const MAX_OUTPUT_CHARS = 64 * 1024;

/** Builds an output event, keeping only the last MAX_OUTPUT_CHARS characters of very long text. */
export function outputEvent(text: string, extra: { commandId?: string; exitCode?: number | null } = {}): AgentEvent {
  const truncated = text.length > MAX_OUTPUT_CHARS;
  const event: AgentEvent = { kind: "output", text: truncated ? text.slice(-MAX_OUTPUT_CHARS) : text };
  if (extra.commandId !== undefined) event.commandId = extra.commandId;
  if (extra.exitCode !== undefined) event.exitCode = extra.exitCode;
  if (truncated) event.truncated = true;
  return event;
}
