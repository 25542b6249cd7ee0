import { lt, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { webhookDeliveries } from "@/db/schema";

/**
 * Deliveries are kept to answer "why didn't it respond?", not for ever: their payloads are text
 * strangers wrote (issue bodies, comments). The daily `webhooks.retention` job deletes those older
 * than WEBHOOK_RETENTION_DAYS (issue 13). Comment-post rows that named a deleted delivery keep
 * their key (the refusal rate limit, the "posted once" guard) with the delivery link set to null.
 */
export async function deleteExpiredDeliveries(db: Database, retentionDays: number): Promise<number> {
  const deleted = await db
    .delete(webhookDeliveries)
    .where(lt(webhookDeliveries.receivedAt, sql`now() - make_interval(days => ${retentionDays})`))
    .returning({ id: webhookDeliveries.id });
  return deleted.length;
}
