import { and, eq, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { webhookDeliveries, type DeliveryOutcome, type WebhookDelivery } from "@/db/schema";

// The same rows the resolver reads and its tests stage: one definition each.
export { getCommentPost, getDelivery } from "@/lib/resolver/queries";
export { insertCommentPost } from "@/lib/resolver/testing/queries";

/** Test-only reads and writes of webhook_deliveries and of what hangs off them. */

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

export async function deliveryIds(db: Database): Promise<string[]> {
  return (await db.select({ id: webhookDeliveries.id }).from(webhookDeliveries)).map((r) => r.id);
}

/** Deliveries written directly, as if received earlier (the receiver itself goes through queries/record-delivery.ts). */
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

