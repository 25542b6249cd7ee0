import { and, eq, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { conversations, type Conversation, type ConversationStatus } from "@/db/schema";

/** Test-only reads and writes of conversation rows, for what no product query exposes. */

/** The row as stored, whoever owns it; null when it does not exist. */
export async function getConversationRow(db: Database, id: string): Promise<Conversation | null> {
  const [row] = await db.select().from(conversations).where(eq(conversations.id, id));
  return row ?? null;
}

/** Every row matching all the given fields, whoever owns it (no fields: every row). */
export async function listConversationRows(db: Database, where: { projectId?: number; issueIid?: number; userId?: string } = {}): Promise<Conversation[]> {
  return db
    .select()
    .from(conversations)
    .where(
      and(
        where.projectId === undefined ? undefined : eq(conversations.projectId, where.projectId),
        where.issueIid === undefined ? undefined : eq(conversations.issueIid, where.issueIid),
        where.userId === undefined ? undefined : eq(conversations.userId, where.userId),
      ),
    );
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
