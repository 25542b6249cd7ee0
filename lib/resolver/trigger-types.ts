import type { HookProject } from "@/lib/gitlab/webhook-events";

/**
 * What a webhook event asks of the agent, decided from the payload alone (no database, no GitLab
 * call), so the receiver can record obvious non-triggers at once and the worker repeats the same
 * decision before doing anything with side effects.
 */

export const TRIGGER_LABEL = "openhands";

export interface TriggerBase {
  projectId: number;
  projectPath: string;
  projectWebUrl: string;
  defaultBranch: string | null;
  /** who wrote the comment or added the label */
  author: { gitlabUserId: number; username: string };
  /** semantic dedup: one run per key, however many hooks delivered the event */
  triggerKey: string;
}

export interface IssueLabelTrigger extends TriggerBase {
  kind: "issue_label";
  issueIid: number;
  issueTitle: string;
  /** when the label change happened (the hook's `object_attributes.updated_at`), to find its label event */
  changedAt: string | null;
}

export interface IssueNoteTrigger extends TriggerBase {
  kind: "issue_note";
  issueIid: number;
  issueTitle: string;
  noteId: number;
  discussionId: string | null;
  /** the comment as written (the worker compares it with the note GitLab has) */
  body: string;
  /** the comment without its leading mention */
  request: string;
}

export interface DiffLocation {
  path: string;
  line: number | null;
  oldPath: string | null;
  oldLine: number | null;
}

export interface MergeRequestNoteTrigger extends TriggerBase {
  kind: "mr_note";
  mergeRequestIid: number;
  mergeRequestTitle: string;
  sourceBranch: string;
  targetBranch: string;
  sourceProjectId: number;
  noteId: number;
  discussionId: string | null;
  /** file and line of an inline (diff) comment */
  position: DiffLocation | null;
  /** the comment as written (the worker compares it with the note GitLab has) */
  body: string;
  request: string;
}

export type Trigger = IssueLabelTrigger | IssueNoteTrigger | MergeRequestNoteTrigger;

/**
 * Issue 18: a merge request that was opened, or marked ready, MAY get an automatic review. Whether it
 * does depends on the project's or group's setting, which only the worker can read (review/auto.ts);
 * so it is a decision of its own, not a Trigger: it has no comment and no author acting for it.
 */
export interface AutoReviewCandidate {
  kind: "mr_auto_review";
  projectId: number;
  projectPath: string;
  mergeRequestIid: number;
  mergeRequestTitle: string;
  sourceBranch: string;
  /** one review per head commit, however many events (opened, then ready) announce it */
  triggerKey: string;
  why: "opened" | "ready";
}

export type Decision = { action: "ignore"; reason: string } | { action: "trigger"; trigger: Trigger } | { action: "review"; candidate: AutoReviewCandidate };

export interface DecisionContext {
  /** X-Gitlab-Event-UUID: shared by the project and group hook deliveries of one event */
  eventUuid: string | null;
}

export const ignore = (reason: string): Decision => ({ action: "ignore", reason });

export function triggerBase(project: HookProject, author: { id: number; username: string }, triggerKey: string): TriggerBase {
  return {
    projectId: project.id,
    projectPath: project.path_with_namespace,
    projectWebUrl: project.web_url,
    defaultBranch: project.default_branch ?? null,
    author: { gitlabUserId: author.id, username: author.username },
    triggerKey,
  };
}

/**
 * The key of a label trigger, once GitLab's resource label event for it is known: the same for the
 * real delivery, a resend of it, a project and a group hook, and the catch-up sweep, which all find
 * the same event (lib/resolver/verify-delivery.ts, lib/webhook-installations/recovery-sweep.ts).
 */
export const labelTriggerKey = (projectId: number, issueIid: number, labelEventId: number): string => `issue-label:${projectId}:${issueIid}:event-${labelEventId}`;

/** The key of a comment trigger (lib/resolver/decisions/note-event.ts and the catch-up sweep). */
export const noteTriggerKey = (kind: "issue_note" | "mr_note", projectId: number, noteId: number): string => `${kind === "issue_note" ? "issue-note" : "mr-note"}:${projectId}:${noteId}`;
