import { and, desc, eq, gte, inArray, isNotNull, like, or, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { conversations, webhookDeliveries, webhookInstallations, type ResourceType, type WebhookInstallation } from "@/db/schema";
import type { SweptTrigger } from "./recovery-triggers";

/**
 * Queries on webhook_installations. A row belongs to a GitLab resource, not to a user: two owners of
 * one group share it, which is what keeps the hook single. Every write names the row it expects, so
 * a status check racing an install never overwrites the newer result.
 * No user owns a row, so owner scoping is the callers': they touch a row only for a resource the
 * user's GitLab token can see (status, recent deliveries) or manage (install, reinstall, auto-review),
 * checked live on GitLab; recovery acts as the user who installed the hook.
 *
 * Also the reads of webhook_deliveries and conversations that installing and recovering need.
 */

export interface ResourceRef {
  baseUrl: string;
  type: ResourceType;
  id: number;
}

export interface ResourceInfo extends ResourceRef {
  path: string;
  name: string;
}

const whereResource = (r: ResourceRef) =>
  and(eq(webhookInstallations.baseUrl, r.baseUrl), eq(webhookInstallations.resourceType, r.type), eq(webhookInstallations.resourceId, r.id));

export async function getInstallationById(db: Database, id: string): Promise<WebhookInstallation | null> {
  const [row] = await db.select().from(webhookInstallations).where(eq(webhookInstallations.id, id)).limit(1);
  return row ?? null;
}

export async function findInstallation(db: Database, r: ResourceRef): Promise<WebhookInstallation | null> {
  const [row] = await db.select().from(webhookInstallations).where(whereResource(r)).limit(1);
  return row ?? null;
}

/** The row for a resource, created (not installed) when missing; path and name kept current. */
export async function ensureInstallation(db: Database, r: ResourceInfo): Promise<WebhookInstallation> {
  const [row] = await db
    .insert(webhookInstallations)
    .values({ baseUrl: r.baseUrl, resourceType: r.type, resourceId: r.id, resourcePath: r.path, resourceName: r.name })
    .onConflictDoUpdate({
      target: [webhookInstallations.baseUrl, webhookInstallations.resourceType, webhookInstallations.resourceId],
      set: { resourcePath: r.path, resourceName: r.name },
    })
    .returning();
  if (!row) throw new Error("ensureInstallation: upsert returned no row");
  return row;
}

export interface InstalledUpdate {
  hookId: number | null;
  secretHash?: string;
  alertStatus: string | null;
  disabledUntil: Date | null;
  userId: string | null;
  coveredProjects?: number | null;
  /** keep installedAt when the hook was already ours */
  fresh: boolean;
}

export async function markInstalled(db: Database, id: string, u: InstalledUpdate): Promise<void> {
  const now = new Date();
  await db
    .update(webhookInstallations)
    .set({
      status: "installed",
      gitlabHookId: u.hookId,
      ...(u.secretHash ? { secretHash: u.secretHash } : {}),
      alertStatus: u.alertStatus,
      disabledUntil: u.disabledUntil,
      coveredProjects: u.coveredProjects ?? null,
      error: null,
      httpStatus: null,
      failedAt: null,
      checkedAt: now,
      updatedAt: now,
      ...(u.fresh ? { installedAt: now, installedBy: u.userId } : {}),
    })
    .where(eq(webhookInstallations.id, id));
}

export async function markFailed(db: Database, id: string, error: string, httpStatus: number | null, coveredProjects: number | null = null): Promise<void> {
  const now = new Date();
  await db
    .update(webhookInstallations)
    .set({ status: "failed", error, httpStatus, failedAt: now, checkedAt: now, updatedAt: now, coveredProjects, gitlabHookId: null, alertStatus: null, disabledUntil: null })
    .where(eq(webhookInstallations.id, id));
}

export async function markNotInstalled(db: Database, id: string, coveredProjects: number | null = null): Promise<void> {
  const now = new Date();
  await db
    .update(webhookInstallations)
    .set({ status: "not_installed", gitlabHookId: null, alertStatus: null, disabledUntil: null, error: null, httpStatus: null, coveredProjects, checkedAt: now, updatedAt: now })
    .where(eq(webhookInstallations.id, id));
}

/** The hook we recorded is gone from GitLab: only if the row still points at that hook. */
export async function markHookGone(db: Database, id: string, hookId: number): Promise<boolean> {
  const now = new Date();
  const rows = await db
    .update(webhookInstallations)
    .set({ status: "not_installed", gitlabHookId: null, alertStatus: null, disabledUntil: null, checkedAt: now, updatedAt: now })
    .where(and(eq(webhookInstallations.id, id), eq(webhookInstallations.gitlabHookId, hookId)))
    .returning({ id: webhookInstallations.id });
  return rows.length > 0;
}

export async function markChecked(db: Database, id: string, hookId: number, alertStatus: string | null, disabledUntil: Date | null): Promise<void> {
  await db
    .update(webhookInstallations)
    .set({ alertStatus, disabledUntil, checkedAt: new Date() })
    .where(and(eq(webhookInstallations.id, id), eq(webhookInstallations.gitlabHookId, hookId)));
}

/**
 * Who reviews new merge requests of this resource automatically (issue 18): the user who turned it
 * on, or nobody. The caller has checked live that `userId` may manage the resource's webhook.
 */
export async function setAutoReviewBy(db: Database, id: string, userId: string | null): Promise<void> {
  await db
    .update(webhookInstallations)
    .set({ autoReviewBy: userId, autoReviewAt: userId ? sql`now()` : null, updatedAt: sql`now()` })
    .where(eq(webhookInstallations.id, id));
}

/** Rows for many resources of one instance at once (the table), keyed `type:id`. */
export async function installationsFor(db: Database, baseUrl: string, refs: { type: ResourceType; id: number }[]): Promise<Map<string, WebhookInstallation>> {
  const out = new Map<string, WebhookInstallation>();
  for (const type of ["group", "project"] as const) {
    const ids = refs.filter((r) => r.type === type).map((r) => r.id);
    for (let i = 0; i < ids.length; i += 1000) {
      const chunk = ids.slice(i, i + 1000);
      const rows = await db
        .select()
        .from(webhookInstallations)
        .where(and(eq(webhookInstallations.baseUrl, baseUrl), eq(webhookInstallations.resourceType, type), inArray(webhookInstallations.resourceId, chunk)));
      for (const row of rows) out.set(`${row.resourceType}:${row.resourceId}`, row);
    }
  }
  return out;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Project rows under a group path: the free-tier fallback hooks of that group (and its subgroups). */
export async function projectInstallationsUnder(db: Database, baseUrl: string, groupPaths: string[]): Promise<WebhookInstallation[]> {
  if (groupPaths.length === 0) return [];
  return db
    .select()
    .from(webhookInstallations)
    .where(
      and(
        eq(webhookInstallations.baseUrl, baseUrl),
        eq(webhookInstallations.resourceType, "project"),
        or(...groupPaths.map((p) => like(sql`lower(${webhookInstallations.resourcePath})`, `${escapeLike(p.toLowerCase())}/%`))),
      ),
    );
}

export async function recentDeliveriesFor(db: Database, installationIds: string[], limit = 20) {
  if (installationIds.length === 0) return [];
  return db
    .select({
      id: webhookDeliveries.id,
      installationId: webhookDeliveries.installationId,
      event: webhookDeliveries.event,
      outcome: webhookDeliveries.outcome,
      reason: webhookDeliveries.reason,
      conversationId: webhookDeliveries.conversationId,
      projectId: webhookDeliveries.projectId,
      receivedAt: webhookDeliveries.receivedAt,
    })
    .from(webhookDeliveries)
    .where(inArray(webhookDeliveries.installationId, installationIds))
    .orderBy(desc(webhookDeliveries.receivedAt))
    .limit(limit);
}

/** Every installed hook of the instance: what a recovery pass goes through. */
export async function listInstalledHooks(db: Database, baseUrl: string): Promise<WebhookInstallation[]> {
  return db
    .select()
    .from(webhookInstallations)
    .where(and(eq(webhookInstallations.baseUrl, baseUrl), eq(webhookInstallations.status, "installed"), isNotNull(webhookInstallations.gitlabHookId)));
}

/** The hook answered the test request that re-enables it. */
export async function markReenabled(db: Database, id: string, now: Date): Promise<void> {
  await db
    .update(webhookInstallations)
    .set({ reenabledAt: now, reenabledCount: sql`${webhookInstallations.reenabledCount} + 1`, alertStatus: "executable", disabledUntil: null })
    .where(eq(webhookInstallations.id, id));
}

/** A recovery pass went through: everything up to `now` was swept, `recovered` triggers added. */
export async function markRecoveryRan(db: Database, id: string, now: Date, recovered: number, error: string | null): Promise<void> {
  await db
    .update(webhookInstallations)
    .set({ recoveryRanAt: now, sweptThrough: now, recoveredCount: sql`${webhookInstallations.recoveredCount} + ${recovered}`, recoveryError: error })
    .where(eq(webhookInstallations.id, id));
}

/** A recovery pass failed; the sweep point stays, so the next pass covers the same period. */
export async function markRecoveryFailed(db: Database, id: string, now: Date, error: string): Promise<void> {
  await db.update(webhookInstallations).set({ recoveryRanAt: now, recoveryError: error }).where(eq(webhookInstallations.id, id));
}

/** Which of these idempotency keys a delivery was recorded under. */
export async function recordedIdempotencyKeys(db: Database, keys: string[]): Promise<string[]> {
  if (keys.length === 0) return [];
  return (await db.select({ key: webhookDeliveries.idempotencyKey }).from(webhookDeliveries).where(inArray(webhookDeliveries.idempotencyKey, keys))).map((r) => r.key);
}

/**
 * True when the app already knows this trigger: a conversation has its key, or a delivery of it
 * was recorded (the comment's Note Hook, or a label change of that issue received after the label
 * was added), whatever became of it (refused, ignored…). The sweep is for what was never seen.
 */
export async function triggerAlreadySeen(db: Database, t: SweptTrigger): Promise<boolean> {
  const [conv] = await db.select({ id: conversations.id }).from(conversations).where(eq(conversations.triggerKey, t.trigger.triggerKey)).limit(1);
  if (conv) return true;
  const attrs = t.payload.object_attributes;
  const sameObject =
    t.header === "Note Hook"
      ? and(
          inArray(webhookDeliveries.event, ["Note Hook", "Confidential Note Hook"]),
          sql`${webhookDeliveries.payload}->'object_attributes'->>'id' = ${String(attrs.id)}`,
          // the comment's creation; an edit delivered later does not mean the trigger was seen
          sql`coalesce(${webhookDeliveries.payload}->'object_attributes'->>'action', 'create') = 'create'`,
        )
      : and(
          inArray(webhookDeliveries.event, ["Issue Hook", "Confidential Issue Hook"]),
          sql`${webhookDeliveries.payload}->'object_attributes'->>'iid' = ${String("iid" in attrs ? attrs.iid : -1)}`,
          // a label change, not any Issue Hook of the issue (an edit, a test request)
          sql`${webhookDeliveries.payload}->'changes'->'labels' is not null`,
          gte(webhookDeliveries.receivedAt, new Date(t.at.getTime() - 2_000)),
        );
  const [delivery] = await db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.projectId, t.trigger.projectId), sameObject))
    .limit(1);
  return Boolean(delivery);
}
