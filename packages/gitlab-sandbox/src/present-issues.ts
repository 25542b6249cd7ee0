// Issue and label entities (API::Entities::Issue, Label) and label objects of webhook payloads.
import type { App } from "./context";
import { iso, isoOrNull, isoSec } from "./format";
import { projectWebUrl } from "./present-projects";
import { userBasic } from "./present-users";
import type { Issue, Label, Project, Store, User } from "./store";

const PALETTE = ["#6699cc", "#dc143c", "#009966", "#8fbc8f", "#e6e6fa", "#ff0000", "#ed9121", "#cd5b45", "#5843ad", "#428bca"];

/** Label lookup-or-create: GitLab creates unknown labels when an issue or MR is given them. */
export function ensureLabel(store: Store, project: Project, title: string): Label {
  const existing = project.labels.get(title);
  if (existing) return existing;
  const now = Date.now();
  const label: Label = {
    id: store.nextId("label"), title, color: PALETTE[project.labels.size % PALETTE.length] ?? "#6699cc",
    description: null, projectId: project.id, createdAt: now, updatedAt: now,
  };
  project.labels.set(title, label);
  return label;
}

export function hookLabel(label: Label): Record<string, unknown> {
  return {
    id: label.id, title: label.title, color: label.color, project_id: label.projectId, created_at: isoSec(label.createdAt),
    updated_at: isoSec(label.updatedAt), template: false, description: label.description, type: "ProjectLabel", group_id: null,
  };
}

export function hookLabels(store: Store, project: Project, titles: string[]): Record<string, unknown>[] {
  return titles.map((t) => hookLabel(ensureLabel(store, project, t)));
}

function textColor(hex: string): string {
  const n = Number.parseInt(hex.replace("#", ""), 16);
  const luminance = ((n >> 16) & 255) * 0.299 + ((n >> 8) & 255) * 0.587 + (n & 255) * 0.114;
  return luminance > 150 ? "#1F1E24" : "#FFFFFF";
}

export function labelEntity(project: Project, label: Label): Record<string, unknown> {
  let open = 0;
  let closed = 0;
  for (const i of project.issues.values()) {
    if (!i.labels.includes(label.title)) continue;
    if (i.state === "opened") open++;
    else closed++;
  }
  let openMrs = 0;
  for (const m of project.mergeRequests.values()) if (m.state === "opened" && m.labels.includes(label.title)) openMrs++;
  return {
    id: label.id, name: label.title, description: label.description, description_html: "", text_color: textColor(label.color),
    color: label.color, subscribed: false, priority: null, is_project_label: true, open_issues_count: open,
    closed_issues_count: closed, open_merge_requests_count: openMrs, archived: false,
  };
}

export function issueWebUrl(app: App, project: Project, issue: Issue): string {
  return `${projectWebUrl(app, project)}/-/issues/${issue.iid}`;
}

export function issueEntity(app: App, project: Project, issue: Issue, viewer: User | null): Record<string, unknown> {
  const { store } = app;
  const basic = (id: number | null): Record<string, unknown> | null => {
    const u = id === null ? undefined : store.users.get(id);
    return u ? userBasic(app, u) : null;
  };
  const assignees = issue.assigneeIds.map((id) => basic(id)).filter((u) => u !== null);
  const userNotes = store.notesOf("Issue", issue.discussionIds).filter((n) => !n.system).length;
  const api = `${app.baseUrl}/api/v4/projects/${project.id}`;
  return {
    id: issue.id, iid: issue.iid, project_id: project.id, title: issue.title, description: issue.description, state: issue.state,
    created_at: iso(issue.createdAt), updated_at: iso(issue.updatedAt), closed_at: isoOrNull(issue.closedAt), closed_by: basic(issue.closedById),
    labels: [...issue.labels], milestone: null, assignees, author: basic(issue.authorId), type: "ISSUE", assignee: assignees[0] ?? null,
    user_notes_count: userNotes, merge_requests_count: 0, upvotes: 0, downvotes: 0, due_date: null, confidential: issue.confidential,
    discussion_locked: issue.discussionLocked, issue_type: "issue", web_url: issueWebUrl(app, project, issue),
    time_stats: { time_estimate: 0, total_time_spent: 0, human_time_estimate: null, human_total_time_spent: null },
    task_completion_status: { count: 0, completed_count: 0 }, weight: null, blocking_issues_count: 0, has_tasks: true,
    task_status: "0 of 0 checklist items completed",
    _links: { self: `${api}/issues/${issue.iid}`, notes: `${api}/issues/${issue.iid}/notes`, award_emoji: `${api}/issues/${issue.iid}/award_emoji`, project: api, closed_as_duplicate_of: null },
    references: { short: `#${issue.iid}`, relative: `#${issue.iid}`, full: `${project.fullPath}#${issue.iid}` },
    severity: "UNKNOWN", ...(viewer ? { subscribed: viewer.id === issue.authorId } : {}), moved_to_id: null, imported: false,
    imported_from: "none", service_desk_reply_to: null, epic_iid: null, epic: null, iteration: null, health_status: null,
  };
}
