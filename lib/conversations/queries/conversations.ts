import { and, desc, eq, lt, or, type SQL } from "drizzle-orm";
import type { Database } from "@/db/client";
import { conversations, type Conversation, type ConversationStatus, type ConversationTrigger } from "@/db/schema";

/** A transaction handle is a Database as far as our queries are concerned. */
type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];
export type DbOrTx = Database | Tx;

export interface NewConversationInput {
  userId: string;
  projectId: number;
  projectPath: string;
  branch: string;
  title: string;
  trigger: ConversationTrigger;
  issueIid?: number | null;
  mergeRequestIid?: number | null;
  noteId?: number | null;
  discussionId?: string | null;
  triggerKey?: string | null;
  runtime?: string | null;
  openMergeRequest?: boolean;
}

export async function createConversation(db: Database, input: NewConversationInput): Promise<Conversation> {
  const [row] = await db.insert(conversations).values(input).returning();
  if (!row) throw new Error("conversation insert returned no row");
  return row;
}

/** A conversation of this user, or null: another user's id is indistinguishable from a missing one. */
export async function getConversation(db: Database, { id, userId }: { id: string; userId: string }): Promise<Conversation | null> {
  if (!isUuid(id)) return null;
  const [row] = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.id, id), eq(conversations.userId, userId)))
    .limit(1);
  return row ?? null;
}

/**
 * `SELECT … FOR UPDATE` on the conversation; null when it does not exist. Not scoped by owner: the
 * lock is taken by the writers of a conversation (the run, the worker, the resolver), and the ones a
 * user drives (cancel) compare the owner on the locked row.
 */
export async function lockConversationRow(tx: DbOrTx, conversationId: string) {
  const [row] = await tx.select().from(conversations).where(eq(conversations.id, conversationId)).for("update").limit(1);
  return row ?? null;
}

export interface ListConversationsInput {
  userId: string;
  status?: ConversationStatus;
  trigger?: ConversationTrigger;
  /** opaque cursor from a previous page */
  cursor?: string;
  limit?: number;
}

/** Newest first, keyset-paginated on (created_at, id) so pages stay stable while runs are added. */
export async function listConversations(db: Database, input: ListConversationsInput): Promise<{ items: Conversation[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(input.limit ?? 20, 1), 100);
  const filters: SQL[] = [eq(conversations.userId, input.userId)];
  if (input.status) filters.push(eq(conversations.status, input.status));
  if (input.trigger) filters.push(eq(conversations.trigger, input.trigger));
  const cursor = decodeCursor(input.cursor);
  if (cursor) {
    const after = or(lt(conversations.createdAt, cursor.createdAt), and(eq(conversations.createdAt, cursor.createdAt), lt(conversations.id, cursor.id)));
    if (after) filters.push(after);
  }
  const rows = await db
    .select()
    .from(conversations)
    .where(and(...filters))
    .orderBy(desc(conversations.createdAt), desc(conversations.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}

/*
 * What publishing records on the row. The caller has loaded the conversation for its owner
 * (publish.ts), so these address it by id alone.
 */

export async function setWorkBranch(db: Database, conversationId: string, workBranch: string): Promise<void> {
  await db.update(conversations).set({ workBranch }).where(eq(conversations.id, conversationId));
}

export async function setPushedBranch(db: Database, conversationId: string, pushedBranch: string): Promise<void> {
  await db.update(conversations).set({ pushedBranch, updatedAt: new Date() }).where(eq(conversations.id, conversationId));
}

export async function setMergeRequestUrl(db: Database, conversationId: string, mergeRequestUrl: string): Promise<void> {
  await db.update(conversations).set({ mergeRequestUrl, updatedAt: new Date() }).where(eq(conversations.id, conversationId));
}

function encodeCursor(c: Conversation): string {
  return Buffer.from(JSON.stringify([c.createdAt.toISOString(), c.id])).toString("base64url");
}

function decodeCursor(cursor: string | undefined): { createdAt: Date; id: string } | null {
  if (!cursor) return null;
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, "base64url").toString()) as [string, string];
    const date = new Date(createdAt);
    if (Number.isNaN(date.getTime()) || !isUuid(id)) return null;
    return { createdAt: date, id };
  } catch {
    return null;
  }
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
