import { and, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { gitlabCommentPosts, users, webhookDeliveries, type DeliveryOutcome, type User, type WebhookDelivery } from "@/db/schema";

/** Test-only reads and writes for the resolver's flows: the rows the tests assert on or stage. */

/** Delivery rows matching all the given fields (no fields: every row). */
export async function listDeliveryRows(db: Database, where: { outcome?: DeliveryOutcome; idempotencyKey?: string } = {}): Promise<WebhookDelivery[]> {
  return db
    .select()
    .from(webhookDeliveries)
    .where(
      and(
        where.outcome === undefined ? undefined : eq(webhookDeliveries.outcome, where.outcome),
        where.idempotencyKey === undefined ? undefined : eq(webhookDeliveries.idempotencyKey, where.idempotencyKey),
      ),
    );
}

export async function getUserByUsername(db: Database, username: string): Promise<User | null> {
  const [row] = await db.select().from(users).where(eq(users.username, username));
  return row ?? null;
}

/** Stage a comment-post row, e.g. one a crashed worker left pending after an attempt. */
export async function insertCommentPost(db: Database, values: typeof gitlabCommentPosts.$inferInsert): Promise<void> {
  await db.insert(gitlabCommentPosts).values(values);
}
