import { eq, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { conversations, type Conversation, type ConversationStatus } from "@/db/schema";

/** Test-only reads and writes of conversation rows, for what no product query exposes. */

/** The row as stored, whoever owns it; null when it does not exist. */
export async function getConversationRow(db: Database, id: string): Promise<Conversation | null> {
  const [row] = await db.select().from(conversations).where(eq(conversations.id, id));
  return row ?? null;
}

/** Pretend the run's last heartbeat was `seconds` ago (on the database clock, like the real ones). */
export async function setHeartbeatAgo(db: Database, id: string, seconds: number): Promise<void> {
  await db.update(conversations).set({ heartbeatAt: sql`now() - make_interval(secs => ${seconds})` }).where(eq(conversations.id, id));
}

/** Pretend one conversation, or every one in a status, was last updated `seconds` ago. */
export async function setUpdatedAgo(db: Database, which: { id: string } | { status: ConversationStatus }, seconds: number): Promise<void> {
  const where = "id" in which ? eq(conversations.id, which.id) : eq(conversations.status, which.status);
  await db.update(conversations).set({ updatedAt: sql`now() - make_interval(secs => ${seconds})` }).where(where);
}
