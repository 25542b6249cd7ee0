import type { Database } from "@/db/client";
import type { OAuthConfigSource } from "@/lib/gitlab/tokens";
import { log } from "@/lib/log";
import { installFallback } from "./fallback";
import { installResource, type InstallContext, type InstallOutcome } from "./install";
import type { ResourceInfo } from "./queries";
import { mapBounded } from "./pacing";
import { rememberResources } from "./resource-cache";
import { listResources, type HookResource } from "./resources";
import { openHookSession, type HookSession } from "./session";
import { requiredLevel } from "./settings";

/**
 * `hooks.sync` for one user: install our webhook wherever they may (groups they own, personal
 * projects they maintain), adopt what is already there, fall back to project hooks on free-tier
 * groups. Idempotent: run it twice, or in two workers at once, and each resource still has one hook.
 */

export interface SyncOptions {
  oauth: OAuthConfigSource;
  appUrl: string;
  /** GitLab requests in flight at once */
  concurrency: number;
  /** an already open session (benchmarks, tests); otherwise one is opened from the user's connection */
  session?: HookSession;
}

export interface SyncReport {
  resources: number;
  created: number;
  adopted: number;
  unchanged: number;
  removedDuplicates: number;
  failed: number;
  /** held by another worker at that moment; it does the work */
  busy: number;
  /** visible, but the user lacks Owner/Maintainer: nothing attempted */
  noAccess: number;
  /** covered by an ancestor group's hook */
  covered: number;
  fallbackGroups: number;
  fallbackProjects: number;
}

export const infoOf = (baseUrl: string, r: HookResource): ResourceInfo => ({ baseUrl, type: r.type, id: r.id, path: r.fullPath, name: r.name });

function tally(report: SyncReport, o: InstallOutcome): void {
  if (o.result === "installed") {
    report[o.action]++;
    report.removedDuplicates += o.removedDuplicates;
  } else if (o.result === "failed") report.failed++;
  else if (o.result === "busy") report.busy++;
}

export async function syncUserHooks(db: Database, userId: string, opts: SyncOptions): Promise<SyncReport> {
  const session = opts.session ?? (await openHookSession(db, userId, { oauth: opts.oauth }));
  const resources = await listResources(session, opts.concurrency);
  rememberResources(db, session, resources);
  const ctx: InstallContext = { db, session, appUrl: opts.appUrl };
  const report: SyncReport = { resources: resources.length, created: 0, adopted: 0, unchanged: 0, removedDuplicates: 0, failed: 0, busy: 0, noAccess: 0, covered: 0, fallbackGroups: 0, fallbackProjects: 0 };

  const eligible = resources.filter((r) => {
    if (r.coveredBy) {
      report.covered++;
      return false;
    }
    if (r.accessLevel < requiredLevel(r.type)) {
      report.noAccess++;
      return false;
    }
    return true;
  });
  // Groups first and one at a time: a free-tier group fans out over its projects with the full
  // concurrency, and nesting two bounded pools would multiply it.
  for (const group of eligible.filter((r) => r.type === "group")) {
    const outcome = await installResource(ctx, infoOf(session.baseUrl, group), "sync", "try");
    if (outcome.result === "tier_refused") {
      const fb = await installFallback(ctx, infoOf(session.baseUrl, group), "sync", "try", opts.concurrency);
      report.fallbackGroups++;
      report.fallbackProjects += fb.covered;
      report.failed += fb.failed.length;
      continue;
    }
    tally(report, outcome);
  }
  const projects = eligible.filter((r) => r.type === "project");
  const outcomes = await mapBounded(projects, opts.concurrency, (p) => installResource(ctx, infoOf(session.baseUrl, p), "sync", "try"));
  for (const o of outcomes) tally(report, o);
  log.info("webhook sync done", { userId, ...report });
  return report;
}
