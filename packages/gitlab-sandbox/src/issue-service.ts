// Creating and updating issues, shared by the REST API, the HTML forms and seeding. Updates compute
// GitLab's `changes` block, add the system notes GitLab writes, and return the webhook event.
import type { App } from "./context";
import { discussionId, utcText } from "./format";
import { recordLabelEvents } from "./label-events";
import { ensureLabel, hookLabels } from "./present-issues";
import type { Issue, NoteableType, Project, User } from "./store";
import { assigneeAttrs, issueEvent, type BuiltEvent, type Changes } from "./webhook-payloads";

export interface IssueCreateInput { title: string; description?: string; labels?: string[]; assigneeIds?: number[]; confidential?: boolean; createdAt?: number }

export function createIssue(app: App, project: Project, author: User, input: IssueCreateInput): { issue: Issue; event: BuiltEvent } {
  const { store } = app;
  const now = input.createdAt ?? Date.now();
  const labels = [...new Set(input.labels ?? [])];
  for (const l of labels) ensureLabel(store, project, l);
  const issue: Issue = {
    id: store.nextId("issue"), iid: project.nextIssueIid++, projectId: project.id, title: input.title, description: input.description ?? "",
    state: "opened", labels, authorId: author.id, assigneeIds: input.assigneeIds ?? [], confidential: input.confidential ?? false,
    discussionLocked: null, createdAt: now, updatedAt: now, closedAt: null, closedById: null, updatedById: null, lastEditedAt: null,
    lastEditedById: null, relativePosition: (project.issues.size + 1) * 513, discussionIds: [],
  };
  project.issues.set(issue.iid, issue);
  store.issues.set(issue.id, issue);
  project.lastActivityAt = now;
  const changes: Changes = {
    author_id: { previous: null, current: author.id }, created_at: { previous: null, current: utcText(now) },
    description: { previous: null, current: issue.description }, id: { previous: null, current: issue.id },
    iid: { previous: null, current: issue.iid }, project_id: { previous: null, current: project.id },
    title: { previous: null, current: issue.title }, updated_at: { previous: null, current: utcText(now) },
  };
  if (labels.length > 0) changes.labels = { previous: [], current: hookLabels(store, project, labels) };
  recordLabelEvents(app, project, { type: "Issue", id: issue.id }, author, { added: labels, removed: [] }, now);
  return { issue, event: issueEvent(app, project, issue, author, "open", changes) };
}

/** A system note in its own discussion (GitLab does not send Note Hooks for system notes). */
export function addSystemNote(app: App, project: Project, type: NoteableType, noteable: { id: number; iid: number; discussionIds: string[] }, author: User, body: string, at: number): void {
  const { store } = app;
  const did = discussionId();
  const note = {
    id: store.nextId("note"), projectId: project.id, noteableType: type, noteableId: noteable.id, noteableIid: noteable.iid,
    discussionId: did, authorId: author.id, body, system: true, internal: false, createdAt: at, updatedAt: at, type: null,
    position: null, resolved: false, resolvedById: null, resolvedAt: null,
  };
  store.notes.set(note.id, note);
  store.discussions.set(did, { id: did, projectId: project.id, noteableType: type, noteableId: noteable.id, individualNote: true, noteIds: [note.id] });
  noteable.discussionIds.push(did);
}

export function labelSystemNote(app: App, project: Project, added: string[], removed: string[]): string | null {
  const ref = (t: string): string => `~${ensureLabel(app.store, project, t).id}`;
  const parts: string[] = [];
  if (added.length > 0) parts.push(`added ${added.map(ref).join(" ")} label${added.length > 1 ? "s" : ""}`);
  if (removed.length > 0) parts.push(`removed ${removed.map(ref).join(" ")} label${removed.length > 1 ? "s" : ""}`);
  return parts.length > 0 ? parts.join(" and ") : null;
}

export interface IssueUpdateInput {
  title?: string; description?: string; labels?: string[]; addLabels?: string[]; removeLabels?: string[];
  stateEvent?: "close" | "reopen"; assigneeIds?: number[]; confidential?: boolean; discussionLocked?: boolean;
}

/** Applies an edit; returns the Issue Hook event, or null when nothing changed. */
export function updateIssue(app: App, project: Project, issue: Issue, actor: User, input: IssueUpdateInput): BuiltEvent | null {
  const { store } = app;
  const now = Date.now();
  const changes: Changes = {};
  const before = { ...issue, labels: [...issue.labels], assigneeIds: [...issue.assigneeIds] };

  let labels = input.labels !== undefined ? [...new Set(input.labels)] : [...issue.labels];
  for (const l of input.addLabels ?? []) if (!labels.includes(l)) labels.push(l);
  labels = labels.filter((l) => !(input.removeLabels ?? []).includes(l));
  const added = labels.filter((l) => !before.labels.includes(l));
  const removed = before.labels.filter((l) => !labels.includes(l));
  if (added.length > 0 || removed.length > 0) {
    for (const l of labels) ensureLabel(store, project, l);
    changes.labels = { previous: hookLabels(store, project, before.labels), current: hookLabels(store, project, labels) };
    issue.labels = labels;
    recordLabelEvents(app, project, { type: "Issue", id: issue.id }, actor, { added, removed }, now);
    const body = labelSystemNote(app, project, added, removed);
    if (body) addSystemNote(app, project, "Issue", issue, actor, body, now);
  }
  if (input.title !== undefined && input.title !== issue.title) {
    changes.title = { previous: issue.title, current: input.title };
    addSystemNote(app, project, "Issue", issue, actor, `changed title from **${issue.title}** to **${input.title}**`, now);
    issue.title = input.title;
  }
  if (input.description !== undefined && input.description !== issue.description) {
    changes.description = { previous: issue.description, current: input.description };
    issue.description = input.description;
    addSystemNote(app, project, "Issue", issue, actor, "changed the description", now);
  }
  if (changes.title || changes.description) {
    changes.last_edited_at = { previous: before.lastEditedAt === null ? null : utcText(before.lastEditedAt), current: utcText(now) };
    changes.last_edited_by_id = { previous: before.lastEditedById, current: actor.id };
    issue.lastEditedAt = now;
    issue.lastEditedById = actor.id;
  }
  if (input.assigneeIds !== undefined && input.assigneeIds.join(",") !== issue.assigneeIds.join(",")) {
    changes.assignees = { previous: assigneeAttrs(app, before.assigneeIds), current: assigneeAttrs(app, input.assigneeIds) };
    issue.assigneeIds = [...input.assigneeIds];
  }
  if (input.confidential !== undefined && input.confidential !== issue.confidential) {
    changes.confidential = { previous: issue.confidential, current: input.confidential };
    issue.confidential = input.confidential;
  }
  if (input.discussionLocked !== undefined && input.discussionLocked !== issue.discussionLocked) {
    changes.discussion_locked = { previous: issue.discussionLocked, current: input.discussionLocked };
    issue.discussionLocked = input.discussionLocked;
  }
  let action: "update" | "close" | "reopen" = "update";
  if (input.stateEvent === "close" && issue.state === "opened") {
    action = "close";
    issue.state = "closed";
    issue.closedAt = now;
    issue.closedById = actor.id;
    changes.state_id = { previous: 1, current: 2 };
    changes.closed_at = { previous: null, current: utcText(now) };
    addSystemNote(app, project, "Issue", issue, actor, "closed", now);
  } else if (input.stateEvent === "reopen" && issue.state === "closed") {
    action = "reopen";
    changes.state_id = { previous: 2, current: 1 };
    changes.closed_at = { previous: issue.closedAt === null ? null : utcText(issue.closedAt), current: null };
    issue.state = "opened";
    issue.closedAt = null;
    issue.closedById = null;
    addSystemNote(app, project, "Issue", issue, actor, "reopened", now);
  }
  if (Object.keys(changes).length === 0) return null;
  changes.updated_at = { previous: utcText(issue.updatedAt), current: utcText(now) };
  if (issue.updatedById !== actor.id) changes.updated_by_id = { previous: issue.updatedById, current: actor.id };
  issue.updatedAt = now;
  issue.updatedById = actor.id;
  project.lastActivityAt = now;
  return issueEvent(app, project, issue, actor, action, changes);
}
