// Webhook bodies built like Gitlab::DataBuilder (Issuable, Note, Emoji), key for key after the
// official examples in fixtures/gitlab/. Timestamps follow each example's format.
import type { App } from "./context";
import { isoSec, sha1, utcText } from "./format";
import { hookLabels } from "./present-issues";
import { mrWebUrl } from "./present-mrs";
import { hookProject, hookRepository, projectUrls } from "./present-projects";
import { hookUser } from "./present-users";
import { issueWebUrl } from "./present-issues";
import type { AwardEmoji, HookEventFlag, Issue, MergeRequest, Note, Project, User } from "./store";

export interface BuiltEvent { flag: HookEventFlag; eventName: string; payload: Record<string, unknown> }
export type Changes = Record<string, { previous: unknown; current: unknown }>;

const ts = (ms: number | null, fmt: "iso" | "utc"): string | null => (ms === null ? null : fmt === "iso" ? isoSec(ms) : utcText(ms));

export function assigneeAttrs(app: App, ids: number[]): Record<string, unknown>[] {
  return ids.map((id) => app.store.users.get(id)).filter((u): u is User => u !== undefined).map((u) => {
    const h = hookUser(app, u);
    return { id: h.id, name: h.name, username: h.username, avatar_url: h.avatar_url, email: h.email };
  });
}

/** Issue#hook_attrs (superset of the keys the issue, note and emoji examples show). */
export function issueHookAttrs(app: App, project: Project, issue: Issue, fmt: "iso" | "utc"): Record<string, unknown> {
  return {
    id: issue.id, title: issue.title, assignee_ids: [...issue.assigneeIds], assignee_id: issue.assigneeIds[0] ?? null,
    author_id: issue.authorId, project_id: project.id, created_at: ts(issue.createdAt, fmt), updated_at: ts(issue.updatedAt, fmt),
    updated_by_id: issue.updatedById, last_edited_at: ts(issue.lastEditedAt, fmt), last_edited_by_id: issue.lastEditedById,
    relative_position: issue.relativePosition, position: issue.relativePosition, branch_name: null, description: issue.description,
    milestone_id: null, state_id: issue.state === "opened" ? 1 : 2, confidential: issue.confidential, discussion_locked: issue.discussionLocked,
    due_date: null, moved_to_id: null, duplicated_to_id: null, time_estimate: 0, total_time_spent: 0, time_change: 0,
    human_total_time_spent: null, human_time_estimate: null, human_time_change: null, weight: null, health_status: null,
    type: "Issue", iid: issue.iid, url: issueWebUrl(app, project, issue), state: issue.state, severity: "unknown",
    closed_at: ts(issue.closedAt, fmt), customer_relations_contacts: [], labels: hookLabels(app.store, project, issue.labels),
  };
}

function lastCommit(app: App, project: Project, mr: MergeRequest): Record<string, unknown> | null {
  const c = mr.lastCommit;
  if (!c) return null;
  return {
    id: c.id, message: c.message, title: c.title, timestamp: c.committed_date,
    url: `${projectUrls(app, project).web}/-/commit/${c.id}`, author: { name: c.author_name, email: c.author_email },
  };
}

/** MergeRequest#hook_attrs (superset of the MR-event and note-event examples). */
export function mrHookAttrs(app: App, project: Project, mr: MergeRequest, fmt: "iso" | "utc"): Record<string, unknown> {
  const side = hookProject(app, project);
  const sourceProject = mr.sourceProjectId === project.id ? project : app.store.projects.get(mr.sourceProjectId) ?? project;
  const assignee = assigneeAttrs(app, mr.assigneeIds)[0];
  return {
    id: mr.id, iid: mr.iid, target_branch: mr.targetBranch, source_branch: mr.sourceBranch, source_project_id: sourceProject.id,
    author_id: mr.authorId, assignee_ids: [...mr.assigneeIds], assignee_id: mr.assigneeIds[0] ?? null, reviewer_ids: [...mr.reviewerIds],
    title: mr.title, created_at: ts(mr.createdAt, fmt), updated_at: ts(mr.updatedAt, fmt), updated_by_id: mr.updatedById,
    last_edited_at: ts(mr.lastEditedAt, fmt), last_edited_by_id: mr.lastEditedById, milestone_id: null,
    state_id: { opened: 1, closed: 2, merged: 3 }[mr.state], state: mr.state, blocking_discussions_resolved: true,
    work_in_progress: mr.draft, draft: mr.draft, first_contribution: false,
    merge_status: mr.state === "opened" ? "can_be_merged" : "cannot_be_merged", target_project_id: project.id,
    description: mr.description, prepared_at: ts(mr.preparedAt, fmt), position: 0, head_pipeline_id: null,
    merge_commit_sha: null, merge_error: null, merge_params: { force_remove_source_branch: mr.removeSourceBranch ? "1" : "0" },
    merge_user_id: null, merge_when_pipeline_succeeds: false, time_estimate: 0, total_time_spent: 0, time_change: 0,
    human_total_time_spent: null, human_time_change: null, human_time_estimate: null,
    url: mrWebUrl(app, project, mr), source: sourceProject === project ? side : hookProject(app, sourceProject), target: side, last_commit: lastCommit(app, project, mr),
    labels: hookLabels(app.store, project, mr.labels), detailed_merge_status: mr.state === "opened" ? "mergeable" : "not_open",
    ...(assignee ? { assignee: { name: assignee.name, username: assignee.username, avatar_url: assignee.avatar_url } } : {}),
  };
}

export function issueEvent(app: App, project: Project, issue: Issue, actor: User, action: "open" | "update" | "close" | "reopen", changes: Changes): BuiltEvent {
  const labels = hookLabels(app.store, project, issue.labels);
  const assignees = assigneeAttrs(app, issue.assigneeIds);
  const payload: Record<string, unknown> = {
    object_kind: "issue", event_type: issue.confidential ? "confidential_issue" : "issue", user: hookUser(app, actor),
    project: hookProject(app, project), object_attributes: { ...issueHookAttrs(app, project, issue, "iso"), action },
    repository: hookRepository(app, project),
    ...(assignees.length > 0 ? { assignees, assignee: assignees[0] } : {}),
    labels, changes,
  };
  return issue.confidential
    ? { flag: "confidential_issues_events", eventName: "Confidential Issue Hook", payload }
    : { flag: "issues_events", eventName: "Issue Hook", payload };
}

export function mrEvent(app: App, project: Project, mr: MergeRequest, actor: User, action: "open" | "update" | "close" | "reopen", changes: Changes): BuiltEvent {
  const assignees = assigneeAttrs(app, mr.assigneeIds);
  const reviewers = assigneeAttrs(app, mr.reviewerIds);
  const payload: Record<string, unknown> = {
    object_kind: "merge_request", event_type: "merge_request", user: hookUser(app, actor), project: hookProject(app, project),
    repository: hookRepository(app, project), object_attributes: { ...mrHookAttrs(app, project, mr, "iso"), action },
    labels: hookLabels(app.store, project, mr.labels), changes,
    ...(assignees.length > 0 ? { assignees } : {}), ...(reviewers.length > 0 ? { reviewers } : {}),
  };
  return { flag: "merge_requests_events", eventName: "Merge Request Hook", payload };
}

function noteUrl(app: App, project: Project, note: Note): string {
  const noteable = note.noteableType === "Issue" ? `issues/${note.noteableIid}` : `merge_requests/${note.noteableIid}`;
  return `${projectUrls(app, project).web}/-/${noteable}#note_${note.id}`;
}

/** Note#hook_attrs plus the doc example's extra keys. */
export function noteHookAttrs(app: App, project: Project, note: Note): Record<string, unknown> {
  const p = note.position;
  return {
    attachment: null, author_id: note.authorId, change_position: null, commit_id: "", created_at: utcText(note.createdAt),
    discussion_id: note.discussionId, id: note.id,
    line_code: p ? `${sha1(p.new_path ?? p.old_path)}_${p.old_line ?? ""}_${p.new_line ?? ""}` : null,
    note: note.body, noteable_id: note.noteableId, noteable_type: note.noteableType, original_position: p ? { ...p } : null,
    position: p ? { ...p } : null, project_id: project.id, resolved_at: note.resolvedAt === null ? null : utcText(note.resolvedAt),
    resolved_by_id: note.resolvedById, resolved_by_push: null, st_diff: null, system: note.system, type: note.type,
    updated_at: utcText(note.updatedAt), updated_by_id: null, description: note.body, internal: note.internal,
    confidential: note.internal, url: noteUrl(app, project, note),
  };
}

function noteableBlock(app: App, project: Project, note: Note): Record<string, unknown> {
  if (note.noteableType === "Issue") {
    const issue = app.store.issues.get(note.noteableId);
    return issue ? { issue: issueHookAttrs(app, project, issue, "utc") } : {};
  }
  const mr = app.store.mergeRequests.get(note.noteableId);
  return mr ? { merge_request: mrHookAttrs(app, project, mr, "utc") } : {};
}

export function noteEvent(app: App, project: Project, note: Note, actor: User, action: "create" | "update"): BuiltEvent {
  const issue = note.noteableType === "Issue" ? app.store.issues.get(note.noteableId) : undefined;
  // Notes::PostProcessService: internal notes and notes on confidential issues use the confidential trigger.
  const confidential = note.internal || (issue?.confidential ?? false);
  const payload: Record<string, unknown> = {
    object_kind: "note", event_type: confidential ? "confidential_note" : "note", user: hookUser(app, actor), project_id: project.id,
    project: hookProject(app, project), repository: hookRepository(app, project),
    object_attributes: { ...noteHookAttrs(app, project, note), action }, ...noteableBlock(app, project, note),
  };
  return confidential
    ? { flag: "confidential_note_events", eventName: "Confidential Note Hook", payload }
    : { flag: "note_events", eventName: "Note Hook", payload };
}

export function emojiEvent(app: App, project: Project, award: AwardEmoji, note: Note, actor: User, action: "award" | "revoke"): BuiltEvent {
  const url = noteUrl(app, project, note);
  const payload: Record<string, unknown> = {
    object_kind: "emoji", event_type: action, user: hookUser(app, actor), project_id: project.id, project: hookProject(app, project),
    object_attributes: {
      user_id: award.userId, created_at: utcText(award.createdAt), id: award.id, name: award.name, awardable_type: award.awardableType,
      awardable_id: award.awardableId, updated_at: utcText(award.updatedAt), action, awarded_on_url: url,
    },
    note: { ...noteHookAttrs(app, project, note), commit_id: null },
    ...noteableBlock(app, project, note),
  };
  return { flag: "emoji_events", eventName: "Emoji Hook", payload };
}
