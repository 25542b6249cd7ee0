import type { Database } from "@/db/client";
import type { WebhookInstallation } from "@/db/schema";
import { GitLabError } from "@/lib/gitlab/errors";
import { getHook } from "@/lib/gitlab/webhooks-api";
import type { OAuthConfigSource } from "@/lib/gitlab/tokens";
import { installationsFor, markChecked, markHookGone, projectInstallationsUnder } from "./queries";
import { mapBounded } from "./pacing";
import { cachedResources, hookCheckCache, type HookCheck } from "./resource-cache";
import { listResources, resourceKey, type HookResource } from "./resources";
import { openHookSession, type HookSession } from "./session";
import { requiredLevel } from "./settings";
import { toWebhookRow, type WebhookRow } from "./view";

/**
 * `GET /api/gitlab/webhooks`: the table, with every recorded hook checked live against GitLab (does
 * it still exist, what is its alert_status), so a hook deleted in GitLab shows `Not Installed` on the
 * next page load. Checks run with bounded concurrency; concurrent loads share one check (1 s cache).
 */

export interface StatusOptions {
  oauth: OAuthConfigSource;
  concurrency: number;
  /** bypass the resource-list cache (after a reinstall, or a Refresh click) */
  fresh?: boolean;
  /** 1-based page of the table (groups first, then projects, by path) */
  page?: number;
  perPage?: number;
  session?: HookSession;
}

export interface WebhookStatus {
  instance: string;
  resources: WebhookRow[];
  /** every row the token can see; `resources` is one page of them */
  total: number;
  page: number;
  per_page: number;
}

export const DEFAULT_PER_PAGE = 50;
export const MAX_PER_PAGE = 200;

/** Loads the user's resources (cached for a minute unless `fresh`). */
export async function userResources(db: Database, session: HookSession, concurrency: number, fresh = false): Promise<HookResource[]> {
  return cachedResources(db, session, () => listResources(session, concurrency), fresh);
}

async function checkHook(db: Database, session: HookSession, row: WebhookInstallation, hookId: number): Promise<HookCheck> {
  try {
    const hook = await session.call((api) => getHook(api, { kind: row.resourceType, id: row.resourceId }, hookId));
    const check: HookCheck = { state: "exists", alertStatus: hook.alert_status ?? null, disabledUntil: hook.disabled_until ? new Date(hook.disabled_until) : null };
    await markChecked(db, row.id, hookId, check.alertStatus, check.disabledUntil);
    return check;
  } catch (err) {
    if (err instanceof GitLabError && err.kind === "not_found") {
      await markHookGone(db, row.id, hookId);
      return { state: "gone", alertStatus: null, disabledUntil: null };
    }
    // GitLab unreachable or refusing: keep what we recorded rather than guess.
    if (err instanceof GitLabError) return { state: "error", alertStatus: row.alertStatus, disabledUntil: row.disabledUntil };
    throw err;
  }
}

/** Checks a recorded hook against GitLab and updates `row` in place with what GitLab says. */
async function checkLive(db: Database, session: HookSession, row: WebhookInstallation, fresh: boolean): Promise<void> {
  const hookId = row.gitlabHookId;
  if (row.status !== "installed" || hookId === null) return;
  const check = await hookCheckCache.get(db, `${row.id}:${hookId}`, () => checkHook(db, session, row, hookId), fresh);
  if (check.state === "gone") {
    row.status = "not_installed";
    row.gitlabHookId = null;
  }
  row.alertStatus = check.alertStatus;
  row.disabledUntil = check.disabledUntil;
}

const byTypeThenPath = (a: HookResource, b: HookResource) => (a.type === b.type ? a.fullPath.localeCompare(b.fullPath) : a.type === "group" ? -1 : 1);

export async function webhookStatus(db: Database, userId: string, opts: StatusOptions): Promise<WebhookStatus> {
  const session = opts.session ?? (await openHookSession(db, userId, { oauth: opts.oauth, maxWaitSeconds: 10 }));
  const all = [...(await userResources(db, session, opts.concurrency, opts.fresh))].sort(byTypeThenPath);
  const perPage = Math.min(MAX_PER_PAGE, Math.max(1, opts.perPage ?? DEFAULT_PER_PAGE));
  const page = Math.max(1, opts.page ?? 1);
  // Only the rows on screen are checked live: a user with thousands of projects must not cost
  // thousands of GitLab calls per page load.
  const visible = all.slice((page - 1) * perPage, page * perPage);
  const byPath = new Map(all.map((r) => [r.fullPath.toLowerCase(), r]));
  const coverOf = (r: HookResource) => (r.coveredBy ? byPath.get(r.coveredBy.toLowerCase()) : undefined);
  const involved = [...new Map([...visible, ...visible.flatMap((r) => coverOf(r) ?? [])].map((r) => [resourceKey(r), r])).values()];
  const rows = await installationsFor(db, session.baseUrl, involved);
  // Free-tier groups are covered by project hooks; their rows are found by path under the group.
  const fallbackGroups = involved.filter((r) => r.type === "group" && rows.get(resourceKey(r))?.coveredProjects != null);
  const fallbackRows = await projectInstallationsUnder(db, session.baseUrl, fallbackGroups.map((g) => g.fullPath));

  // Only hooks the user may manage can be checked: GitLab answers 403 to everyone else.
  const checkable: WebhookInstallation[] = [];
  for (const r of involved) {
    const row = rows.get(resourceKey(r));
    if (row && r.accessLevel >= requiredLevel(r.type)) checkable.push(row);
  }
  for (const row of fallbackRows) if (row.gitlabHookId !== null) checkable.push(row);
  await mapBounded(checkable, opts.concurrency, (row) => checkLive(db, session, row, opts.fresh ?? false));

  const resources = visible.map((r) => {
    const cover = coverOf(r);
    const coverRow = cover ? rows.get(resourceKey(cover)) : undefined;
    const own = rows.get(resourceKey(r)) ?? null;
    const source = cover ? (coverRow ?? null) : own;
    const sourcePath = (cover ?? r).fullPath.toLowerCase();
    const children = source?.coveredProjects != null ? fallbackRows.filter((p) => p.resourcePath.toLowerCase().startsWith(`${sourcePath}/`)) : [];
    return toWebhookRow(r, own, cover ? { path: cover.fullPath, row: coverRow ?? null } : null, children);
  });
  return { instance: session.baseUrl, resources, total: all.length, page, per_page: perPage };
}
