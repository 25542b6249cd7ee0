import { eq, lt, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { webhookDeliveries, webhookInstallations, type WebhookInstallation } from "@/db/schema";

/**
 * Queries of the webhook receiver. Deliveries themselves are written by ./record-delivery.ts (raw SQL), in one
 * SQL statement together with their job (see there why).
 */

/** What the receiver needs of an installation: who it is, and the hash its token is checked against. */
export type InstallationWithSecret = Pick<WebhookInstallation, "id" | "baseUrl" | "resourceType" | "resourceId" | "resourcePath" | "installedBy" | "secretHash">;

/** One installation by the id its token claims (primary key: one indexed read), or null. */
export async function findInstallationWithSecret(db: Database, id: string): Promise<InstallationWithSecret | null> {
  const [row] = await db
    .select({
      id: webhookInstallations.id,
      baseUrl: webhookInstallations.baseUrl,
      resourceType: webhookInstallations.resourceType,
      resourceId: webhookInstallations.resourceId,
      resourcePath: webhookInstallations.resourcePath,
      installedBy: webhookInstallations.installedBy,
      secretHash: webhookInstallations.secretHash,
    })
    .from(webhookInstallations)
    .where(eq(webhookInstallations.id, id))
    .limit(1);
  return row ?? null;
}

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
