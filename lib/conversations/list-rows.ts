import type { Database } from "@/db/client";
import type { Conversation } from "@/db/schema";
import { listUserMessagePayloads } from "./queries";

export interface ConversationListRow {
  conversation: Conversation;
  /** the first thing the user asked, one line, so repeated mentions on one issue read differently */
  request: string | null;
}

const REQUEST_CHARS = 140;

/** One line of a message: Markdown noise and line breaks out, cut with an ellipsis. */
export function requestLine(text: string): string {
  const line = text.replace(/`{3}[\s\S]*?`{3}/g, " ").replace(/[#>*_`]+/g, "").replace(/\s+/g, " ").trim();
  return line.length > REQUEST_CHARS ? `${line.slice(0, REQUEST_CHARS - 1)}…` : line;
}

/** Conversations with their first user message, for the lists (one query for the whole page). */
export async function withRequests(db: Database, items: Conversation[]): Promise<ConversationListRow[]> {
  if (items.length === 0) return [];
  const rows = await listUserMessagePayloads(db, items.map((c) => c.id));
  const first = new Map<string, string>();
  for (const r of rows) {
    const text = (r.payload as { text?: unknown }).text;
    if (!first.has(r.conversationId) && typeof text === "string") first.set(r.conversationId, requestLine(text));
  }
  return items.map((conversation) => ({ conversation, request: first.get(conversation.id) ?? null }));
}
