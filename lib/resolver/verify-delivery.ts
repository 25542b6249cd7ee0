import { z } from "zod";
import type { Database } from "@/db/client";
import type { WebhookInstallation } from "@/db/schema";
import { withGitLab } from "@/lib/gitlab/client";
import { GitLabError, NeedsReauthError } from "@/lib/gitlab/errors";
import { issueLabelEvents, labelAdds, type LabelEvent } from "@/lib/gitlab/label-events";
import { getMergeRequest } from "@/lib/gitlab/merge-requests";
import { noteSchema } from "@/lib/gitlab/notes";
import { parseOne } from "@/lib/gitlab/paging";
import { getProject } from "@/lib/gitlab/projects";
import { log } from "@/lib/log";
import type { ResolverConfig } from "./config";
import { botIdentity, userIdentity, type IdentityOptions, type PostingIdentity } from "./identity";
import { findLinkedUser } from "./queries";
import { labelTriggerKey, TRIGGER_LABEL, type IssueLabelTrigger, type Trigger } from "./trigger-types";

/**
 * A webhook body is only as trustworthy as the secret that signed it, and a secret belongs to ONE
 * installation (a project or a group). Someone who knows the secret of their own project's hook
 * could otherwise post a body naming another project and another author, and have the app act on
 * that project with that author's token. So, before anything is done for a delivery:
 *
 * 1. scope: the project must be the installation's project, or a project of its group (or of a
 *    subgroup), as GitLab says, not as the body says;
 * 2. authority: the triggering note (or, for a label trigger, the issue, its labels and the label
 *    event saying who added it) is read back from GitLab, and its author and text are what the rest
 *    of the handling uses.
 */

export const TRIGGER_UNCONFIRMED = "the trigger could not be confirmed with GitLab";

export type Verification = { ok: true; trigger: Trigger } | { ok: false; reason: string };

const lower = (s: string): string => s.trim().replace(/^\/+|\/+$/g, "").toLowerCase();
const underGroup = (projectPath: string, groupPath: string): boolean => lower(projectPath).startsWith(`${lower(groupPath)}/`);

export const outsideScope = (installation: Pick<WebhookInstallation, "resourceType">): string => `project is outside this webhook's ${installation.resourceType}`;

/**
 * The check the body allows without calling GitLab: a project hook's deliveries name its project,
 * a group hook's name a project under the group's path. A delivery failing it is refused before any
 * GitLab call is made for anyone.
 */
export function scopeRefusal(installation: Pick<WebhookInstallation, "resourceType" | "resourceId" | "resourcePath">, trigger: Pick<Trigger, "projectId" | "projectPath">): string | null {
  if (installation.resourceType === "project") return trigger.projectId === installation.resourceId ? null : outsideScope(installation);
  return underGroup(trigger.projectPath, installation.resourcePath) ? null : outsideScope(installation);
}

/**
 * Whose token reads the trigger back: the bot when configured (it is the posting identity), else the
 * claimed author when they have a working linked account (the posting identity for their run), else
 * the account that installed the webhook. These are reads; nothing is written on anyone's behalf.
 */
async function verifierIdentity(
  db: Database,
  config: Pick<ResolverConfig, "botToken" | "oauth">,
  installation: Pick<WebhookInstallation, "installedBy">,
  author: { gitlabUserId: number },
  opts: IdentityOptions,
): Promise<PostingIdentity | null> {
  const bot = await botIdentity(config, opts);
  if (bot) return bot;
  const linked = await findLinkedUser(db, opts.baseUrl, author.gitlabUserId);
  const candidates = [linked?.connectionStatus === "active" ? linked.userId : null, installation.installedBy].filter((id): id is string => typeof id === "string");
  for (const userId of new Set(candidates)) {
    try {
      return await userIdentity(db, config, userId, null, opts);
    } catch (err) {
      if (!(err instanceof NeedsReauthError)) throw err;
      log.info("cannot confirm a trigger with this account", { userId, error: err.message });
    }
  }
  return null;
}

const issueSchema = z
  .object({
    iid: z.number().int(),
    title: z.string(),
    labels: z.array(z.union([z.string(), z.object({ name: z.string() }).loose()])).optional(),
  })
  .loose();

const labelTitle = (l: string | { name: string }): string => (typeof l === "string" ? l : l.name);
/** GitLab keeps the text as written; line endings and surrounding blanks are not worth a refusal. */
const sameText = (a: string, b: string): boolean => a.replace(/\r\n/g, "\n").trim() === b.replace(/\r\n/g, "\n").trim();

/** Not found / no access / gone: the object the body describes is not there for us. */
const isAbsent = (err: unknown): boolean => err instanceof GitLabError && (err.kind === "not_found" || err.kind === "forbidden");

/**
 * Reads the project, the issue or merge request and the triggering note back from GitLab and returns
 * the trigger rebuilt from what GitLab says (author, project path and branches, titles). Refuses when
 * the project is not in the installation's scope, when the note or issue does not exist (for the
 * reader), or when the author, the text or the label differ from the body's. GitLab errors other than
 * "absent" are thrown, so the job retries.
 */
export async function confirmTrigger(
  db: Database,
  config: Pick<ResolverConfig, "botToken" | "oauth">,
  installation: Pick<WebhookInstallation, "resourceType" | "resourceId" | "resourcePath" | "installedBy">,
  trigger: Trigger,
  opts: IdentityOptions,
): Promise<Verification> {
  const identity = await verifierIdentity(db, config, installation, trigger.author, opts);
  if (!identity) return { ok: false, reason: `${TRIGGER_UNCONFIRMED} (no account can read it)` };
  const { api } = identity;
  const pid = trigger.projectId;

  try {
    // The reads go out together (they are only reads, with the verifier's own token); nothing is
    // decided until the project's scope is checked below. One round trip instead of three keeps the
    // acknowledgment fast.
    const projectRead = getProject(api, pid);
    const labelReads =
      trigger.kind === "issue_label"
        ? Promise.all([withGitLab(() => api.Issues.show(trigger.issueIid, { projectId: pid })).then((raw) => parseOne(raw, issueSchema, "issue")), labelEventFor(api, pid, trigger)])
        : null;
    // A rejected read that is never awaited (the scope check returned first) must not go unhandled.
    labelReads?.catch(() => undefined);
    const project = await projectRead;
    if (project.id !== pid) return { ok: false, reason: TRIGGER_UNCONFIRMED };
    if (installation.resourceType === "project" ? project.id !== installation.resourceId : !underGroup(project.pathWithNamespace, installation.resourcePath)) {
      return { ok: false, reason: outsideScope(installation) };
    }
    const fromProject = { projectPath: project.pathWithNamespace, projectWebUrl: project.webUrl, defaultBranch: project.defaultBranch ?? trigger.defaultBranch };

    if (trigger.kind === "issue_label") {
      if (!labelReads) throw new Error("label trigger without its reads");
      const [issue, event] = await labelReads;
      const labelled = (issue.labels ?? []).some((l) => labelTitle(l).trim().toLowerCase() === TRIGGER_LABEL);
      if (issue.iid !== trigger.issueIid || !labelled) return { ok: false, reason: `${TRIGGER_UNCONFIRMED} (the issue does not carry the ${TRIGGER_LABEL} label)` };
      // Who added the label, as GitLab recorded it (issue 13): permissions are checked for THAT user,
      // never for the `user` a delivery claims (a body signed with a leaked hook secret could name a
      // Developer while a Guest labelled the issue). The same label event gives the run its key
      // (issue 16: the catch-up sweep keys on it too, so a late delivery, a resend and the sweep start
      // one run). No event, or one whose user GitLab no longer knows, confirms nothing.
      if (!event?.user) return { ok: false, reason: `${TRIGGER_UNCONFIRMED} (GitLab records nobody adding the ${TRIGGER_LABEL} label)` };
      if (event.user.id !== trigger.author.gitlabUserId) {
        log.warn("label trigger: the delivery names another user than GitLab's label event", { claimed: trigger.author.username, actual: event.user.username, eventId: event.id });
      }
      const author = { gitlabUserId: event.user.id, username: event.user.username };
      return { ok: true, trigger: { ...trigger, ...fromProject, issueTitle: issue.title, author, triggerKey: labelTriggerKey(pid, trigger.issueIid, event.id) } };
    }

    if (trigger.kind === "issue_note") {
      const [issue, rawNote] = await Promise.all([
        withGitLab(() => api.Issues.show(trigger.issueIid, { projectId: pid })).then((raw) => parseOne(raw, issueSchema, "issue")),
        withGitLab(() => api.IssueNotes.show(pid, trigger.issueIid, trigger.noteId)),
      ]);
      const note = parseOne(rawNote, noteSchema, "note");
      const mismatch = noteMismatch(trigger, note);
      if (mismatch) return { ok: false, reason: `${TRIGGER_UNCONFIRMED} (${mismatch})` };
      return { ok: true, trigger: { ...trigger, ...fromProject, issueTitle: issue.title, author: { gitlabUserId: note.author.id, username: note.author.username } } };
    }

    const [mr, rawNote] = await Promise.all([getMergeRequest(api, pid, trigger.mergeRequestIid), withGitLab(() => api.MergeRequestNotes.show(pid, trigger.mergeRequestIid, trigger.noteId))]);
    const note = parseOne(rawNote, noteSchema, "note");
    const mismatch = noteMismatch(trigger, note);
    if (mismatch) return { ok: false, reason: `${TRIGGER_UNCONFIRMED} (${mismatch})` };
    return {
      ok: true,
      trigger: {
        ...trigger,
        ...fromProject,
        mergeRequestTitle: mr.title,
        sourceBranch: mr.sourceBranch,
        targetBranch: mr.targetBranch,
        sourceProjectId: mr.sourceProjectId,
        author: { gitlabUserId: note.author.id, username: note.author.username },
      },
    };
  } catch (err) {
    if (isAbsent(err)) return { ok: false, reason: `${TRIGGER_UNCONFIRMED} (${(err as GitLabError).kind === "not_found" ? "not found" : "not accessible"})` };
    throw err;
  }
}

function noteMismatch(trigger: { noteId: number; author: { gitlabUserId: number }; body: string }, note: z.infer<typeof noteSchema>): string | null {
  if (note.id !== trigger.noteId) return "another note";
  if (note.system) return "a system note";
  if (note.author.id !== trigger.author.gitlabUserId) return "the comment has another author";
  if (!sameText(note.body, trigger.body)) return "the comment's text differs";
  return null;
}

/** GitLab's hook times have whole seconds (`2025-01-01 10:00:00 UTC`); label events milliseconds. */
const LABEL_EVENT_SLACK_MS = 2_000;

/**
 * The label event that added the trigger label in the change this delivery reports: the latest add
 * at or before the change's time (plus the slack of its rounding). Null when GitLab has no such
 * event for us (an old version, no access to the API, or a label added before events existed).
 */
export function pickLabelAdd(events: LabelEvent[], changedAt: string | null): LabelEvent | null {
  const adds = labelAdds(events, TRIGGER_LABEL);
  const at = changedAt ? Date.parse(changedAt) : Number.NaN;
  const eligible = Number.isNaN(at) ? adds : adds.filter((e) => Date.parse(e.created_at) <= at + LABEL_EVENT_SLACK_MS);
  return eligible[eligible.length - 1] ?? null;
}

async function labelEventFor(api: Parameters<typeof issueLabelEvents>[0], projectId: number, trigger: IssueLabelTrigger): Promise<LabelEvent | null> {
  try {
    return pickLabelAdd(await issueLabelEvents(api, projectId, trigger.issueIid), trigger.changedAt);
  } catch (err) {
    if (isAbsent(err)) return null;
    throw err;
  }
}
