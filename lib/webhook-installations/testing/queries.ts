import { eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { webhookInstallations, type WebhookInstallation } from "@/db/schema";

/** Test-only reads and writes of webhook_installations (conversation rows: lib/conversations/testing/queries.ts). */

export type NewWebhookInstallation = typeof webhookInstallations.$inferInsert;

export async function insertInstallation(db: Database, values: NewWebhookInstallation): Promise<WebhookInstallation> {
  const [row] = await db.insert(webhookInstallations).values(values).returning();
  if (!row) throw new Error("installation insert returned no row");
  return row;
}

export async function listInstallations(db: Database): Promise<WebhookInstallation[]> {
  return db.select().from(webhookInstallations);
}

/** The first row for a GitLab resource id (tests use one instance, so the id alone is enough). */
export async function getInstallationByResourceId(db: Database, resourceId: number): Promise<WebhookInstallation | null> {
  const [row] = await db.select().from(webhookInstallations).where(eq(webhookInstallations.resourceId, resourceId));
  return row ?? null;
}

/** Sets columns of one row directly: the state a test starts from (hook id, install time, sweep point…). */
export async function updateInstallation(db: Database, id: string, patch: Partial<NewWebhookInstallation>): Promise<void> {
  await db.update(webhookInstallations).set(patch).where(eq(webhookInstallations.id, id));
}

/** Deletes the rows of one resource id, or every row. */
export async function deleteInstallations(db: Database, resourceId?: number): Promise<void> {
  if (resourceId === undefined) await db.delete(webhookInstallations);
  else await db.delete(webhookInstallations).where(eq(webhookInstallations.resourceId, resourceId));
}

