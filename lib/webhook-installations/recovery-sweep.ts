import type { DbHandle } from "@/db/client";
import type { WebhookInstallation } from "@/db/schema";
import { issuesUpdatedSince, mergeRequestsUpdatedSince, notesCreatedSince } from "@/lib/gitlab/catch-up";
import type { GitLabApi } from "@/lib/gitlab/client";
import { collectPages, groupProjectsPage } from "@/lib/gitlab/groups";
import { issueLabelEvents, labelAdds } from "@/lib/gitlab/label-events";
import { getProject } from "@/lib/gitlab/projects";
import { log } from "@/lib/log";
import { TRIGGER_LABEL } from "@/lib/resolver/trigger-types";
import { recordDelivery } from "@/lib/webhook-receiver/queries/record-delivery";
import { triggerAlreadySeen } from "./queries";
import { isStale, issueNoteTrigger, labelTrigger, mergeRequestNoteTrigger, type SweptProject, type SweptTrigger } from "./recovery-triggers";
import { postStaleNotices } from "./stale-notice";

/**
 * The catch-up sweep: triggers GitLab never sent (the hook was disabled, or the app was down and
 * the log is gone), found through the API. For each project of the installation, the issues and
 * merge requests updated since the sweep's last moment; on each, the comments written since then and
 * the `openhands` labels added since then. A trigger that nothing recorded becomes a delivery of its
 * own (idempotency key `recovery:<trigger key>`) and takes the normal path (confirm, permission,
 * acknowledge, run); one older than the stale window gets a comment saying it was not run and why.
 */

export interface SweepOptions {
  since: Date;
  now: Date;
  staleHours: number;
  /** posts the stale notices (the bot, else the installer) */
  noticeApi: GitLabApi;
}

export interface SweepResult {
  recovered: number;
  stale: number;
}

async function projectsOf(api: GitLabApi, installation: WebhookInstallation): Promise<SweptProject[]> {
  const toSwept = (p: { id: number; pathWithNamespace: string; webUrl: string; defaultBranch: string | null }): SweptProject => ({ id: p.id, pathWithNamespace: p.pathWithNamespace, webUrl: p.webUrl, defaultBranch: p.defaultBranch });
  if (installation.resourceType === "project") return [toSwept(await getProject(api, installation.resourceId))];
  const listed = await collectPages((cursor) => groupProjectsPage(api, installation.resourceId, 10, cursor), 100);
  return Promise.all(listed.map(async (p) => toSwept(await getProject(api, p.id))));
}

async function triggersOf(api: GitLabApi, project: SweptProject, since: Date): Promise<SweptTrigger[]> {
  const found: SweptTrigger[] = [];
  for (const issue of await issuesUpdatedSince(api, project.id, since)) {
    for (const note of await notesCreatedSince(api, { type: "issue", projectId: project.id, iid: issue.iid }, since)) {
      const t = issueNoteTrigger(project, issue, note);
      if (t) found.push(t);
    }
    const labelled = (issue.labels ?? []).some((l) => (typeof l === "string" ? l : l.name).trim().toLowerCase() === TRIGGER_LABEL);
    if (!labelled) continue;
    for (const event of labelAdds(await issueLabelEvents(api, project.id, issue.iid), TRIGGER_LABEL)) {
      if (Date.parse(event.created_at) < since.getTime()) continue;
      const t = labelTrigger(project, issue, event);
      if (t) found.push(t);
    }
  }
  for (const mr of await mergeRequestsUpdatedSince(api, project.id, since)) {
    for (const note of await notesCreatedSince(api, { type: "merge_request", projectId: project.id, iid: mr.iid }, since)) {
      const t = mergeRequestNoteTrigger(project, mr, note);
      if (t) found.push(t);
    }
  }
  return found.sort((a, b) => a.at.getTime() - b.at.getTime());
}

export async function sweepInstallation(handle: DbHandle, api: GitLabApi, installation: WebhookInstallation, opts: SweepOptions): Promise<SweepResult> {
  const result: SweepResult = { recovered: 0, stale: 0 };
  const stale: SweptTrigger[] = [];
  for (const project of await projectsOf(api, installation)) {
    for (const t of await triggersOf(api, project, opts.since)) {
      if (await triggerAlreadySeen(handle.db, t)) continue;
      if (isStale(t, opts.now, opts.staleHours)) {
        stale.push(t);
        continue;
      }
      const recorded = await recordDelivery(handle, {
        installationId: installation.id,
        idempotencyKey: `recovery:${t.trigger.triggerKey}`,
        eventUuid: null,
        event: t.header,
        projectId: project.id,
        payloadJson: JSON.stringify(t.payload),
        outcome: "pending",
        reason: null,
      });
      if (recorded.status === "recorded") {
        result.recovered++;
        log.info("missed trigger recovered", { installationId: installation.id, key: t.trigger.triggerKey, deliveryId: recorded.deliveryId });
      }
    }
  }
  result.stale = await postStaleNotices(handle.db, opts.noticeApi, stale, opts.staleHours);
  return result;
}
