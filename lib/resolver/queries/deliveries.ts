import { and, eq, isNotNull, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { webhookDeliveries, webhookInstallations, type DeliveryOutcome, type WebhookDelivery, type WebhookInstallation } from "@/db/schema";

/**
 * The deliveries the worker processes and the installations they came through. Addressed by id: a
 * delivery is the webhook's, not a user's, and its installation decides whose it is.
 */

export async function getDelivery(db: Database, id: string): Promise<WebhookDelivery | null> {
  const [row] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)).limit(1);
  return row ?? null;
}

export async function recordOutcome(
  db: Pick<Database, "update">,
  deliveryId: string,
  outcome: Exclude<DeliveryOutcome, "pending">,
  reason: string | null,
  conversationId: string | null = null,
): Promise<void> {
  await db
    .update(webhookDeliveries)
    // An ignored delivery keeps no payload (issue 13): it is stranger-written text nothing will read again.
    .set({ outcome, reason: reason?.slice(0, 500) ?? null, conversationId, processedAt: sql`now()`, ...(outcome === "ignored" ? { payload: null } : {}) })
    .where(eq(webhookDeliveries.id, deliveryId));
}

/** Installations on this GitLab (`normalizedBaseUrl`: lower case, no trailing slash) where an owner turned automatic review on. */
export async function listAutoReviewInstallations(db: Database, normalizedBaseUrl: string): Promise<WebhookInstallation[]> {
  return db
    .select()
    .from(webhookInstallations)
    .where(and(sql`lower(rtrim(${webhookInstallations.baseUrl}, '/')) = ${normalizedBaseUrl}`, isNotNull(webhookInstallations.autoReviewBy)));
}

/** The installer of the hook that delivered this conversation's trigger: the last resort to post. */
export async function findInstallerOf(db: Database, conversationId: string): Promise<string | null> {
  const [row] = await db
    .select({ installedBy: webhookInstallations.installedBy })
    .from(webhookDeliveries)
    .innerJoin(webhookInstallations, eq(webhookInstallations.id, webhookDeliveries.installationId))
    .where(and(eq(webhookDeliveries.conversationId, conversationId), isNotNull(webhookInstallations.installedBy)))
    .limit(1);
  return row?.installedBy ?? null;
}
