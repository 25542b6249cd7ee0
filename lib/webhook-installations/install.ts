import type { Database } from "@/db/client";
import type { WebhookInstallation } from "@/db/schema";
import { GitLabError } from "@/lib/gitlab/errors";
import { collectPages, namespacePlan } from "@/lib/gitlab/groups";
import { createHook, deleteHook, editHook, hooksPage, type GitLabHook, type HookOwner } from "@/lib/gitlab/webhooks-api";
import { log } from "@/lib/log";
import { createInstallationSecret } from "@/lib/webhook-receiver/installation-secret";
import { ensureInstallation, markFailed, markInstalled, type ResourceInfo } from "./queries";
import { BUSY, resourceLock, withLocks, type LockMode } from "./locks";
import type { HookSession } from "./session";
import { hookMatchesSpec, hookSpec, isOurHookUrl } from "./settings";

/**
 * Installing our hook on ONE project or group, idempotently:
 * - one of ours already there (same URL): adopted; its secret rotated through `edit` unless it is
 *   exactly the hook we recorded; extra copies deleted (duplicates mean duplicate comments);
 * - none: created with a fresh per-installation secret.
 * It runs under the resource's cross-process lock, so two workers never both see "none" and both
 * create. In `reinstall` mode an existing hook is left alone and reported (the seed: delete it in
 * GitLab first).
 */

export interface InstallContext {
  db: Database;
  session: HookSession;
  appUrl: string;
}

export type InstallMode = "sync" | "reinstall";

export type InstallOutcome =
  | { result: "installed"; action: "created" | "adopted" | "unchanged"; hookId: number; removedDuplicates: number; row: WebhookInstallation }
  | { result: "exists"; hookId: number }
  | { result: "failed"; error: string; httpStatus: number | null }
  /** group hooks are not available to this group (tier or edition); nothing was written */
  | { result: "tier_refused"; reason: string }
  | { result: "busy" };

export const TIER_REFUSAL = "group hooks need Premium";

function errorDetails(err: unknown): { error: string; httpStatus: number | null } {
  if (err instanceof GitLabError) return { error: err.message, httpStatus: err.status ?? null };
  throw err;
}

/** A 403/404 from the group hook API for someone we know is Owner means the feature is unavailable. */
function isTierRefusal(err: unknown): boolean {
  return err instanceof GitLabError && (err.kind === "forbidden" || err.kind === "not_found");
}

async function ourHooks(ctx: InstallContext, owner: HookOwner): Promise<GitLabHook[]> {
  const url = hookSpec(ctx.appUrl, "").url;
  const all = await collectPages((cursor) => ctx.session.call((api) => hooksPage(api, owner, cursor)));
  return all.filter((h) => isOurHookUrl(h.url, url)).sort((a, b) => a.id - b.id);
}

const alertOf = (h: GitLabHook) => ({ alertStatus: h.alert_status ?? null, disabledUntil: h.disabled_until ? new Date(h.disabled_until) : null });

async function installLocked(ctx: InstallContext, db: Database, info: ResourceInfo, mode: InstallMode): Promise<InstallOutcome> {
  const owner: HookOwner = { kind: info.type, id: info.id };
  const { session } = ctx;
  if (info.type === "group") {
    // GitLab.com tells group Owners the plan; Free namespaces get no group webhooks.
    // A plan we cannot read is "unknown": trying the group hook settles it.
    const plan = await session.call((api) => namespacePlan(api, info.id)).catch((err: unknown) => {
      if (err instanceof GitLabError) return null;
      throw err;
    });
    if (plan === "free") return { result: "tier_refused", reason: `${TIER_REFUSAL} (this group is on the Free plan)` };
  }
  let ours: GitLabHook[];
  try {
    ours = await ourHooks(ctx, owner);
  } catch (err) {
    if (info.type === "group" && isTierRefusal(err)) return { result: "tier_refused", reason: TIER_REFUSAL };
    const row = await ensureInstallation(db, info);
    const { error, httpStatus } = errorDetails(err);
    await markFailed(db, row.id, error, httpStatus);
    return { result: "failed", error, httpStatus };
  }
  const row = await ensureInstallation(db, info);
  const keep = ours.find((h) => h.id === row.gitlabHookId) ?? ours[0];
  if (mode === "reinstall" && keep) return { result: "exists", hookId: keep.id };
  try {
    let removed = 0;
    for (const extra of ours) {
      if (extra.id === keep?.id) continue;
      await session.call((api) => deleteHook(api, owner, extra.id));
      removed++;
    }
    if (removed > 0) log.warn("removed duplicate webhooks", { resource: info.path, removed });
    if (keep && keep.id === row.gitlabHookId && row.secretHash && row.status === "installed" && hookMatchesSpec(keep)) {
      const alert = alertOf(keep);
      // Nothing changed: no write (a sweep over thousands of healthy hooks stays read-only).
      if (alert.alertStatus !== row.alertStatus || alert.disabledUntil?.getTime() !== row.disabledUntil?.getTime()) {
        await markInstalled(db, row.id, { hookId: keep.id, ...alert, userId: session.userId, fresh: false });
      }
      return { result: "installed", action: "unchanged", hookId: keep.id, removedDuplicates: removed, row };
    }
    const { secret, hash } = createInstallationSecret(row.id);
    const spec = hookSpec(ctx.appUrl, secret);
    const hook = keep ? await session.call((api) => editHook(api, owner, keep.id, spec)) : await session.call((api) => createHook(api, owner, spec));
    await markInstalled(db, row.id, { hookId: hook.id, secretHash: hash, ...alertOf(hook), userId: session.userId, fresh: hook.id !== row.gitlabHookId });
    return { result: "installed", action: keep ? "adopted" : "created", hookId: hook.id, removedDuplicates: removed, row };
  } catch (err) {
    if (info.type === "group" && isTierRefusal(err) && ours.length === 0) return { result: "tier_refused", reason: TIER_REFUSAL };
    const { error, httpStatus } = errorDetails(err);
    await markFailed(db, row.id, error, httpStatus);
    return { result: "failed", error, httpStatus };
  }
}

/** Installs on one resource under its lock (`try`: skip when someone else holds it; `wait`: queue). */
export async function installResource(ctx: InstallContext, info: ResourceInfo, mode: InstallMode, lockMode: LockMode): Promise<InstallOutcome> {
  const outcome = await withLocks(ctx.db, [{ key: resourceLock(info.baseUrl, info.type, info.id), mode: lockMode }], (db) => installLocked(ctx, db, info, mode));
  return outcome === BUSY ? { result: "busy" } : outcome;
}
