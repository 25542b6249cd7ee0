import { and, desc, eq, inArray } from "drizzle-orm";
import type { Database } from "@/db/client";
import { conversations, type Conversation } from "@/db/schema";
import type { DbOrTx } from "@/lib/conversations/queries";
import type { Trigger } from "../trigger-types";

/**
 * The conversations GitLab triggers start and join. Not scoped by a signed-in user: the worker acts
 * on a verified delivery, and who owns the run was decided by the permission check. Where a
 * follow-up may only join its own author's run, the owner is a parameter (findActiveConversation).
 */

export type NewConversationRow = typeof conversations.$inferInsert;

/**
 * Insert unless a conversation already carries the row's trigger key (UNIQUE): the new row, or null
 * when another delivery of the same trigger won.
 */
export async function insertConversationOnce(tx: DbOrTx, values: NewConversationRow): Promise<Conversation | null> {
  const [row] = await tx.insert(conversations).values(values).onConflictDoNothing({ target: conversations.triggerKey }).returning();
  return row ?? null;
}

export async function getConversationByTriggerKey(tx: DbOrTx, triggerKey: string): Promise<Conversation | null> {
  const [row] = await tx.select().from(conversations).where(eq(conversations.triggerKey, triggerKey)).limit(1);
  return row ?? null;
}

/** Only the id: enough to record a duplicate delivery. */
export async function findConversationIdByTriggerKey(db: Database, triggerKey: string): Promise<{ id: string } | null> {
  const [row] = await db.select({ id: conversations.id }).from(conversations).where(eq(conversations.triggerKey, triggerKey)).limit(1);
  return row ?? null;
}

/** The conversation a delivery row points at (a retried job resumes it). */
export async function getConversationById(db: Database, id: string): Promise<Conversation | null> {
  const [row] = await db.select().from(conversations).where(eq(conversations.id, id)).limit(1);
  return row ?? null;
}

/** The conversation still working on the same issue or MR, if any (for follow-ups); with `ownerUserId`, only one that user owns. */
export async function findActiveConversation(db: Database, trigger: Trigger, ownerUserId?: string): Promise<Conversation | null> {
  const target =
    trigger.kind === "mr_note"
      ? and(eq(conversations.trigger, "merge_request"), eq(conversations.mergeRequestIid, trigger.mergeRequestIid))
      : and(eq(conversations.trigger, "issue"), eq(conversations.issueIid, trigger.issueIid));
  const [row] = await db
    .select()
    .from(conversations)
    .where(
      and(
        eq(conversations.projectId, trigger.projectId),
        target,
        inArray(conversations.status, ["queued", "starting", "running"]),
        ownerUserId === undefined ? undefined : eq(conversations.userId, ownerUserId),
      ),
    )
    .orderBy(desc(conversations.createdAt))
    .limit(1);
  return row ?? null;
}

/** Any run, whoever owns it, still queued or working on this merge request (an automatic review waits for none). */
export async function findActiveMergeRequestRun(db: Database, projectId: number, mergeRequestIid: number): Promise<{ id: string } | null> {
  const [row] = await db
    .select({ id: conversations.id })
    .from(conversations)
    .where(
      and(
        eq(conversations.projectId, projectId),
        eq(conversations.trigger, "merge_request"),
        eq(conversations.mergeRequestIid, mergeRequestIid),
        inArray(conversations.status, ["queued", "starting", "running"]),
      ),
    )
    .limit(1);
  return row ?? null;
}
