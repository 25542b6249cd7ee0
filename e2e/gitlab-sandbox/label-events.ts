// Resource label events: who added or removed which label on an issue, and when.
//   GET /projects/:id/issues/:issue_iid/resource_label_events
// https://docs.gitlab.com/api/resource_label_events/
// Kept beside the store (one list per sandbox App) so that the issue service only has to report each
// label change; an event's `created_at` is the issue's update time, as GitLab stamps label events
// with the resource's `system_note_timestamp`.
import { issueFor, paged, projectFor } from "./api-common";
import type { ApiResult, ApiRoute, App, Ctx } from "./context";
import { iso } from "./format";
import { ensureLabel } from "./present-issues";
import { userBasic } from "./present-users";
import type { Issue, Project, User } from "./store";

interface LabelEvent { id: number; issueId: number; userId: number; labelTitle: string; action: "add" | "remove"; createdAt: number }

const eventsByApp = new WeakMap<App, LabelEvent[]>();
let nextId = 1;

function eventsOf(app: App): LabelEvent[] {
  let list = eventsByApp.get(app);
  if (!list) eventsByApp.set(app, (list = []));
  return list;
}

/** Called by the issue service for every label change it applies. */
export function recordLabelEvents(app: App, issue: Issue, actor: User, added: string[], removed: string[], at: number): void {
  const list = eventsOf(app);
  for (const title of added) list.push({ id: nextId++, issueId: issue.id, userId: actor.id, labelTitle: title, action: "add", createdAt: at });
  for (const title of removed) list.push({ id: nextId++, issueId: issue.id, userId: actor.id, labelTitle: title, action: "remove", createdAt: at });
}

/** Forgets every event (the control API's reset). */
export function resetLabelEvents(app: App): void {
  eventsByApp.delete(app);
}

function entity(app: App, project: Project, e: LabelEvent): Record<string, unknown> {
  const user = app.store.users.get(e.userId);
  const label = ensureLabel(app.store, project, e.labelTitle);
  return {
    id: e.id,
    user: user ? userBasic(app, user) : null,
    created_at: iso(e.createdAt),
    resource_type: "Issue",
    resource_id: e.issueId,
    label: { id: label.id, name: label.title, color: label.color, description: label.description ?? "" },
    action: e.action,
  };
}

function listIssueLabelEvents(ctx: Ctx): ApiResult {
  const pa = projectFor(ctx);
  const issue = issueFor(ctx, pa);
  const events = eventsOf(ctx.app).filter((e) => e.issueId === issue.id);
  return paged(ctx, events, (e) => entity(ctx.app, pa.project, e));
}

export const labelEventRoutes: ApiRoute[] = [{ method: "GET", path: "/projects/:id/issues/:issue_iid/resource_label_events", handler: listIssueLabelEvents }];
