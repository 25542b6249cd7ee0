import { eq, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { gitlabCommentPosts, webhookDeliveries, type GitlabCommentPost, type WebhookDelivery } from "@/db/schema";

/** Test-only reads and writes of webhook_deliveries and of what hangs off them. */

export async function listDeliveries(db: Database): Promise<WebhookDelivery[]> {
  return db.select().from(webhookDeliveries);
}

export async function getDelivery(db: Database, id: string): Promise<WebhookDelivery | null> {
  const [row] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id));
  return row ?? null;
}

export async function deliveryIds(db: Database): Promise<string[]> {
  return (await db.select({ id: webhookDeliveries.id }).from(webhookDeliveries)).map((r) => r.id);
}

/** Deliveries written directly, as if received earlier (the receiver itself goes through record-delivery.ts). */
export async function insertDeliveries(db: Database, values: (typeof webhookDeliveries.$inferInsert)[]): Promise<void> {
  await db.insert(webhookDeliveries).values(values);
}

/** Back-dates a delivery by `ageDays`, computed by the database as the retention job computes it. */
export async function ageDelivery(db: Database, id: string, ageDays: number): Promise<void> {
  await db.update(webhookDeliveries).set({ receivedAt: sql`now() - make_interval(days => ${ageDays})` }).where(eq(webhookDeliveries.id, id));
}

export async function deleteAllDeliveries(db: Database): Promise<void> {
  await db.delete(webhookDeliveries);
}

export async function insertCommentPost(db: Database, values: typeof gitlabCommentPosts.$inferInsert): Promise<void> {
  await db.insert(gitlabCommentPosts).values(values);
}

export async function getCommentPost(db: Database, key: string): Promise<GitlabCommentPost | null> {
  const [row] = await db.select().from(gitlabCommentPosts).where(eq(gitlabCommentPosts.key, key));
  return row ?? null;
}
