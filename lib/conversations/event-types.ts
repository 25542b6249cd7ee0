import { z } from "zod";
import { conversationOutcomes, conversationStatuses } from "@/db/schema";
import { sharedAgentEventVariants } from "@/lib/agent/events";

/**
 * Everything a conversation's timeline can hold. The agent's own events (lib/agent/events.ts) plus
 * what the app adds: the user's messages, status transitions, the run's result, and what was
 * published to GitLab. Stored as `conversation_events.payload` (with `kind` repeated in its column)
 * and sent as-is over the event stream, so the Cloud API and the page share one vocabulary.
 */
export const timelineEventSchema = z.discriminatedUnion("kind", [
  ...sharedAgentEventVariants,
  /** agent progress ("Reconnecting… 1/5") or, with `status`, a transition of the conversation */
  z.object({ kind: z.literal("status"), text: z.string(), status: z.enum(conversationStatuses).optional(), reason: z.string().optional() }),
  z.object({ kind: z.literal("user_message"), text: z.string() }),
  /** the end of a run; `upToSeq`: the newest user message its prompt included (later ones are still to do) */
  z.object({ kind: z.literal("result"), outcome: z.enum(conversationOutcomes), summary: z.string(), changedFiles: z.array(z.string()), upToSeq: z.number().int().optional() }),
  z.object({ kind: z.literal("branch_pushed"), branch: z.string(), url: z.string() }),
  z.object({ kind: z.literal("merge_request"), url: z.string(), iid: z.number().int(), reused: z.boolean() }),
  /** issue 18: the repository's setup script ran before the agent (its own, collapsible step) */
  z.object({ kind: z.literal("setup"), script: z.string(), ok: z.boolean(), exitCode: z.number().int().nullable(), output: z.string(), truncated: z.boolean(), durationMs: z.number().int(), timedOut: z.boolean() }),
]);

export type TimelineEvent = z.infer<typeof timelineEventSchema>;
export type TimelineEventKind = TimelineEvent["kind"];

/** A stored event as the stream and the page see it. */
export interface StoredTimelineEvent {
  seq: number;
  createdAt: string;
  event: TimelineEvent;
}

/** Rows written by an older version may not match today's schema; show them as a generic status line. */
export function parseStoredPayload(kind: string, payload: unknown): TimelineEvent {
  const parsed = timelineEventSchema.safeParse(payload);
  if (parsed.success) return parsed.data;
  return { kind: "status", text: `(${kind} event)` };
}
