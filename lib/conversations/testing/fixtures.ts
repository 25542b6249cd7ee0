import crypto from "node:crypto";
import type { Database } from "@/db/client";
import { users, type Conversation } from "@/db/schema";
import { createConversation, type NewConversationInput } from "../queries";

/** Test helpers: rows without going through GitLab. */
export async function insertUser(db: Database, name = "Test User"): Promise<string> {
  const [row] = await db
    .insert(users)
    .values({ gitlabBaseUrl: "http://gitlab.test", gitlabUserId: crypto.randomInt(1, 2 ** 31 - 1), username: name.toLowerCase().replace(/\W+/g, "-"), name })
    .returning({ id: users.id });
  if (!row) throw new Error("insertUser: no row");
  return row.id;
}

export async function insertConversation(db: Database, userId: string, overrides: Partial<NewConversationInput> = {}): Promise<Conversation> {
  return createConversation(db, { userId, projectId: 1, projectPath: "group/project", branch: "main", title: "Test conversation", trigger: "ui", ...overrides });
}

/** Reads a Server-Sent Events body, yielding each block as { id, event, data } (comments skipped). */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<{ id?: string; event?: string; data?: string }> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let at: number;
      while ((at = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        const msg: { id?: string; event?: string; data?: string } = {};
        for (const line of block.split("\n")) {
          if (line.startsWith(":")) continue;
          const i = line.indexOf(":");
          const field = i < 0 ? line : line.slice(0, i);
          const value = i < 0 ? "" : line.slice(i + 1).replace(/^ /, "");
          if (field === "id") msg.id = value;
          else if (field === "event") msg.event = value;
          else if (field === "data") msg.data = msg.data === undefined ? value : `${msg.data}\n${value}`;
        }
        if (msg.id !== undefined || msg.event !== undefined || msg.data !== undefined) yield msg;
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
