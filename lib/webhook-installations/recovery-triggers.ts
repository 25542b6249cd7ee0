import type { ChangedIssue, ChangedMergeRequest, SweptNote } from "@/lib/gitlab/catch-up";
import type { LabelEvent } from "@/lib/gitlab/label-events";
import type { IssueHook, NoteHook } from "@/lib/gitlab/webhook-events";
import { decide } from "@/lib/resolver/triggers";
import { labelTriggerKey, type Trigger } from "@/lib/resolver/trigger-types";

/**
 * The catch-up sweep's triggers, rebuilt from what GitLab's API says happened, as the webhook
 * payloads GitLab would have sent. They go through the same decision as a real delivery
 * (lib/resolver/triggers.ts), so they have the same semantic key: a comment's is its note id, a
 * label's is GitLab's label event id (the worker re-keys a real label delivery the same way, see
 * lib/resolver/verify-delivery.ts). A late real delivery, a resend and the sweep therefore start
 * one run between them: conversations have a UNIQUE trigger key.
 *
 * Pure functions: no database, no GitLab call.
 */

export interface SweptProject {
  id: number;
  pathWithNamespace: string;
  webUrl: string;
  defaultBranch: string | null;
}

/** A trigger found by the sweep: the event as GitLab would have delivered it, and when it happened. */
export interface SweptTrigger {
  header: "Issue Hook" | "Note Hook";
  payload: IssueHook | NoteHook;
  trigger: Trigger;
  at: Date;
}

const hookProject = (p: SweptProject) => ({ id: p.id, path_with_namespace: p.pathWithNamespace, web_url: p.webUrl, default_branch: p.defaultBranch });

function decided(header: SweptTrigger["header"], payload: IssueHook | NoteHook, at: Date): SweptTrigger | null {
  const event = header === "Issue Hook" ? { kind: "issue" as const, payload: payload as IssueHook } : { kind: "note" as const, payload: payload as NoteHook };
  const decision = decide(event, { eventUuid: null });
  return decision.action === "trigger" ? { header, payload, trigger: decision.trigger, at } : null;
}

/** A label event that added `openhands`, as the Issue Hook of that change. */
export function labelTrigger(project: SweptProject, issue: Pick<ChangedIssue, "id" | "iid" | "title">, event: LabelEvent): SweptTrigger | null {
  if (!event.user || !event.label || event.action !== "add") return null;
  const payload: IssueHook = {
    object_kind: "issue",
    event_type: "issue",
    user: { id: event.user.id, username: event.user.username },
    project: hookProject(project),
    object_attributes: { id: issue.id, iid: issue.iid, title: issue.title, action: "update", updated_at: event.created_at, description: null },
    changes: { labels: { previous: [], current: [{ title: event.label.name }] } },
  };
  const found = decided("Issue Hook", payload, new Date(event.created_at));
  if (!found || found.trigger.kind !== "issue_label") return null;
  // The key the worker gives a confirmed label trigger, so the sweep can check it before recording.
  return { ...found, trigger: { ...found.trigger, triggerKey: labelTriggerKey(project.id, issue.iid, event.id) } };
}

/** An issue comment, as its Note Hook. */
export function issueNoteTrigger(project: SweptProject, issue: Pick<ChangedIssue, "id" | "iid" | "title">, note: SweptNote): SweptTrigger | null {
  return decided("Note Hook", notePayload(project, note, "Issue", { issue: { id: issue.id, iid: issue.iid, title: issue.title, description: null } }), new Date(note.created_at));
}

/** A merge request comment (general or inline), as its Note Hook. */
export function mergeRequestNoteTrigger(project: SweptProject, mr: ChangedMergeRequest, note: SweptNote): SweptTrigger | null {
  const merge_request = {
    id: mr.id,
    iid: mr.iid,
    title: mr.title,
    description: null,
    source_branch: mr.source_branch,
    target_branch: mr.target_branch,
    source_project_id: mr.source_project_id,
    target_project_id: mr.target_project_id,
  };
  return decided("Note Hook", notePayload(project, note, "MergeRequest", { merge_request }), new Date(note.created_at));
}

function notePayload(project: SweptProject, note: SweptNote, noteableType: "Issue" | "MergeRequest", noteable: Pick<NoteHook, "issue" | "merge_request">): NoteHook {
  return {
    object_kind: "note",
    event_type: "note",
    user: { id: note.author.id, username: note.author.username },
    project_id: project.id,
    project: hookProject(project),
    object_attributes: {
      id: note.id,
      note: note.body,
      noteable_type: noteableType,
      author_id: note.author.id,
      system: note.system ?? false,
      action: "create",
      discussion_id: note.discussion_id ?? null,
      type: note.type ?? null,
      position: note.position ?? null,
      created_at: note.created_at,
      updated_at: note.created_at,
    },
    ...noteable,
  };
}

/** Older than the stale window: answered with a comment rather than run days late. */
export const isStale = (t: Pick<SweptTrigger, "at">, now: Date, staleHours: number): boolean => now.getTime() - t.at.getTime() > staleHours * 3_600_000;
