import { GitLabError } from "@/lib/gitlab/errors";
import { collectPages, groupProjectsPage } from "@/lib/gitlab/groups";
import { ensureInstallation, markFailed, markInstalled, markNotInstalled, type ResourceInfo } from "./queries";
import { installResource, TIER_REFUSAL, type InstallContext, type InstallMode, type InstallOutcome } from "./install";
import { resourceLock, withLocks, type LockMode } from "./locks";
import { mapBounded } from "./pacing";
import { PROJECT_MAINTAINER } from "./settings";

/**
 * Free-tier fallback ★. Group webhooks are a Premium feature; when GitLab refuses ours, the group's
 * own projects (subgroups included) where the user is Maintainer or higher get project hooks
 * instead, and the group row says so: "group hooks need Premium; N projects covered by project
 * hooks". The project rows are ordinary installations, found again by their path under the group.
 */

export interface FallbackResult {
  covered: number;
  failed: { path: string; error: string; httpStatus: number | null }[];
  /** reinstall mode: projects whose hook was already there */
  existing: number;
  eligible: number;
}

export function fallbackNote(covered: number): string {
  return `${TIER_REFUSAL}; ${covered} project${covered === 1 ? "" : "s"} covered by project hooks`;
}

export async function installFallback(ctx: InstallContext, group: ResourceInfo, mode: InstallMode, lockMode: LockMode, concurrency: number): Promise<FallbackResult> {
  let projects;
  try {
    projects = await collectPages((cursor) => ctx.session.call((api) => groupProjectsPage(api, group.id, PROJECT_MAINTAINER, cursor)));
  } catch (err) {
    if (!(err instanceof GitLabError)) throw err;
    const failed = { path: group.path, error: `${TIER_REFUSAL}, and listing the group's projects failed: ${err.message}`, httpStatus: err.status ?? null };
    await withLocks(ctx.db, [{ key: resourceLock(group.baseUrl, group.type, group.id), mode: "wait" }], async (db) => {
      const row = await ensureInstallation(db, group);
      await markFailed(db, row.id, failed.error, failed.httpStatus);
    });
    return { covered: 0, failed: [failed], existing: 0, eligible: 0 };
  }
  const outcomes: InstallOutcome[] = await mapBounded(projects, concurrency, (p) =>
    installResource(ctx, { baseUrl: group.baseUrl, type: "project", id: p.id, path: p.path_with_namespace, name: p.name }, mode, lockMode),
  );
  const result: FallbackResult = { covered: 0, failed: [], existing: 0, eligible: projects.length };
  outcomes.forEach((o, i) => {
    if (o.result === "installed") result.covered++;
    else if (o.result === "exists") {
      result.covered++;
      result.existing++;
    } else if (o.result === "failed") result.failed.push({ path: projects[i]?.path_with_namespace ?? "?", error: o.error, httpStatus: o.httpStatus });
    // "busy": another worker is installing that project right now; it is not counted either way.
  });
  await recordFallback(ctx, group, result);
  return result;
}

/** The group row of a fallback: no hook id, `covered_projects` set, status from its projects. */
async function recordFallback(ctx: InstallContext, group: ResourceInfo, r: FallbackResult): Promise<void> {
  await withLocks(ctx.db, [{ key: resourceLock(group.baseUrl, group.type, group.id), mode: "wait" }], async (db) => {
    const row = await ensureInstallation(db, group);
    const first = r.failed[0];
    if (first) {
      const more = r.failed.length > 1 ? ` (and ${r.failed.length - 1} more)` : "";
      await markFailed(db, row.id, `${fallbackNote(r.covered)}; ${first.path}: ${first.error}${more}`, first.httpStatus, r.covered);
    } else if (r.covered > 0) {
      await markInstalled(db, row.id, { hookId: null, alertStatus: null, disabledUntil: null, userId: ctx.session.userId, coveredProjects: r.covered, fresh: row.status !== "installed" });
    } else {
      await markNotInstalled(db, row.id, 0);
    }
  });
}

