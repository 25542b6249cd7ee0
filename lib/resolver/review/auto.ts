import { z } from "zod";
import type { Database } from "@/db/client";
import type { WebhookDelivery, WebhookInstallation } from "@/db/schema";
import { appendEventLocked } from "@/lib/conversations/events";
import { lockConversationRow } from "@/lib/conversations/queries";
import { withGitLab } from "@/lib/gitlab/client";
import { GitLabError } from "@/lib/gitlab/errors";
import { parseOne } from "@/lib/gitlab/paging";
import { getProject } from "@/lib/gitlab/projects";
import { log } from "@/lib/log";
import type { ResolverConfig } from "../config";
import { userIdentity } from "../identity";
import { checkTriggerPermission } from "../permissions";
import { getUserById } from "@/lib/users/queries";
import { findActiveMergeRequestRun, findConversationIdByTriggerKey, getConversationById, insertConversationOnce, listAutoReviewInstallations, recordOutcome } from "../queries";
import type { AutoReviewCandidate } from "../trigger-types";
import { outsideScope, scopeRefusal } from "../verify-delivery";
import { AUTO_REVIEW_REQUEST } from "./mode";

/**
 * Opt-in automatic review (issue 18). An owner turns on "review new merge requests" for a project or a
 * group on Settings › Integrations (lib/webhook-installations/auto-review.ts stores who did, on the installation).
 * When a merge request is opened ready, or a draft is marked ready, the worker:
 * 1. checks the installation's scope with GitLab (the body is only as trusted as its secret);
 * 2. looks for the setting on the project or on any group above it (a group on the Free tier is
 *    covered by project hooks, which deliver under the projects' installations);
 * 3. re-reads the merge request (still open, not a draft) as the owner who turned the setting on;
 * 4. checks that this owner still has Developer access or more, and starts ONE review per head commit.
 * Reviews run with that owner's token: they asked for it. Nothing is posted on GitLab when the
 * setting is off or the owner lost access (the MR author did not ask for anything).
 */

export interface AutoReviewResult {
  outcome: WebhookDelivery["outcome"];
  reason: string | null;
  conversationId: string | null;
}

const lower = (s: string): string => s.trim().replace(/^\/+|\/+$/g, "").toLowerCase();

/** The installation (project, or a group above it) whose owner turned auto-review on, if any. */
export async function autoReviewSetting(db: Database, baseUrl: string, project: { id: number; path: string }): Promise<WebhookInstallation | null> {
  const rows = await listAutoReviewInstallations(db, lower(baseUrl));
  const path = lower(project.path);
  const matches = rows.filter((r) => (r.resourceType === "project" ? r.resourceId === project.id : path.startsWith(`${lower(r.resourcePath)}/`)));
  // The nearest setting wins: the project's own, then the deepest group.
  matches.sort((a, b) => (a.resourceType === "project" ? -1 : b.resourceType === "project" ? 1 : b.resourcePath.length - a.resourcePath.length));
  return matches[0] ?? null;
}

const mrSchema = z.object({ iid: z.number().int(), title: z.string(), state: z.string(), source_branch: z.string(), draft: z.boolean().optional(), work_in_progress: z.boolean().optional() }).loose();

const done = async (db: Database, deliveryId: string, outcome: "ignored" | "refused", reason: string): Promise<AutoReviewResult> => {
  await recordOutcome(db, deliveryId, outcome, reason);
  return { outcome, reason, conversationId: null };
};

export async function processAutoReview(
  db: Database,
  config: ResolverConfig,
  delivery: WebhookDelivery,
  installation: WebhookInstallation,
  candidate: AutoReviewCandidate,
  ctx: { baseUrl: string; eventUuid: string | null },
): Promise<AutoReviewResult> {
  if (delivery.outcome === "triggered" && delivery.conversationId) {
    // A retried job: the conversation exists; make sure its run is queued (enqueueRun is idempotent).
    const conv = await getConversationById(db, delivery.conversationId);
    if (conv?.status === "queued") await config.enqueueRun(conv.id);
    return { outcome: "triggered", reason: delivery.reason, conversationId: delivery.conversationId };
  }
  const outside = scopeRefusal(installation, candidate);
  if (outside) return done(db, delivery.id, "refused", outside);
  const setting = await autoReviewSetting(db, installation.baseUrl, { id: candidate.projectId, path: candidate.projectPath });
  if (!setting?.autoReviewBy) return done(db, delivery.id, "ignored", `automatic review is off for ${candidate.projectPath} (Settings › Integrations)`);

  const owner = await getUserById(db, setting.autoReviewBy);
  if (!owner) return done(db, delivery.id, "ignored", "the owner who turned automatic review on no longer exists");
  let projectPath: string;
  let mr: z.infer<typeof mrSchema>;
  try {
    const { api } = await userIdentity(db, config, owner.id, owner.gitlabUserId, ctx);
    const project = await getProject(api, candidate.projectId);
    const inScope = installation.resourceType === "project" ? project.id === installation.resourceId : lower(project.pathWithNamespace).startsWith(`${lower(installation.resourcePath)}/`);
    if (project.id !== candidate.projectId || !inScope) return done(db, delivery.id, "refused", outsideScope(installation));
    projectPath = project.pathWithNamespace;
    mr = parseOne(await withGitLab(() => api.MergeRequests.show(candidate.projectId, candidate.mergeRequestIid)), mrSchema, "merge request");
  } catch (err) {
    if (err instanceof GitLabError && (err.kind === "not_found" || err.kind === "forbidden")) return done(db, delivery.id, "refused", "the merge request could not be confirmed with GitLab");
    throw err;
  }
  if (mr.state !== "opened" || (mr.draft ?? mr.work_in_progress ?? false)) return done(db, delivery.id, "ignored", `merge request !${mr.iid} is ${mr.state !== "opened" ? mr.state : "a draft"} now`);

  const permission = await checkTriggerPermission(db, config, { ...ctx, projectId: candidate.projectId, author: { gitlabUserId: owner.gitlabUserId, username: owner.username } });
  if (!permission.allowed) return done(db, delivery.id, "ignored", `automatic review is on, but ${permission.reason}`);

  const same = await findConversationIdByTriggerKey(db, candidate.triggerKey);
  if (same) {
    await recordOutcome(db, delivery.id, "ignored", `duplicate: this commit is already reviewed by conversation ${same.id}`, same.id);
    return { outcome: "ignored", reason: "duplicate", conversationId: same.id };
  }
  const active = await findActiveMergeRequestRun(db, candidate.projectId, candidate.mergeRequestIid);
  if (active) return done(db, delivery.id, "ignored", `a run is already in progress on !${mr.iid} (conversation ${active.id})`);

  const reason = `automatic review of merge request !${mr.iid} (${candidate.why === "opened" ? "opened" : "marked ready"})`;
  const created = await db.transaction(async (tx) => {
    const row = await insertConversationOnce(tx, {
      userId: owner.id,
      projectId: candidate.projectId,
      projectPath,
      triggerKey: candidate.triggerKey,
      trigger: "merge_request",
      branch: mr.source_branch,
      title: `!${mr.iid} ${mr.title}`.slice(0, 200),
      mergeRequestIid: mr.iid,
    });
    if (!row) return null;
    await lockConversationRow(tx, row.id);
    await appendEventLocked(tx, row.id, { kind: "user_message", text: AUTO_REVIEW_REQUEST });
    await recordOutcome(tx, delivery.id, "triggered", reason, row.id);
    return row;
  });
  if (!created) return done(db, delivery.id, "ignored", "duplicate: this commit is already being reviewed");
  // No acknowledgment comment: nobody asked in a thread; the review's summary note is the answer.
  await config.enqueueRun(created.id);
  log.info("automatic review started", { conversationId: created.id, projectId: candidate.projectId, iid: mr.iid });
  return { outcome: "triggered", reason, conversationId: created.id };
}
