import { eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { conversationChanges, type ConversationChanges } from "@/db/schema";

/**
 * The stored unpushed work of a conversation (changes.ts explains why it is a diff). Addressed by
 * conversation id: the run writes it, and the readers have loaded the conversation for its owner.
 */

export async function getChanges(db: Database, conversationId: string): Promise<ConversationChanges | null> {
  const [row] = await db.select().from(conversationChanges).where(eq(conversationChanges.conversationId, conversationId)).limit(1);
  return row ?? null;
}

export async function saveChanges(db: Database, conversationId: string, input: { baseBranch: string; baseSha: string; patch: string; files: string[] }): Promise<void> {
  const values = { ...input, updatedAt: new Date() };
  await db
    .insert(conversationChanges)
    .values({ conversationId, ...values })
    .onConflictDoUpdate({ target: conversationChanges.conversationId, set: values });
}

export async function clearChanges(db: Database, conversationId: string): Promise<void> {
  await db.delete(conversationChanges).where(eq(conversationChanges.conversationId, conversationId));
}
