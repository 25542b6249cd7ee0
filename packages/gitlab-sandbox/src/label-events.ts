// Resource label events: who added or removed which label, and when. GitLab records one per label
// per change, from every path that changes labels (API, web UI, quick actions), and the app reads
// them back to learn who really labelled an issue (the webhook body's `user` is only as trusted as
// the hook's secret). https://docs.gitlab.com/api/resource_label_events/
import type { App } from "./context";
import { ensureLabel } from "./present-issues";
import type { LabelEvent, Project, User } from "./store";

export function recordLabelEvents(
  app: App,
  project: Project,
  resource: { type: "Issue" | "MergeRequest"; id: number },
  actor: User,
  change: { added: string[]; removed: string[] },
  at: number,
): void {
  const { store } = app;
  const add = (title: string, action: "add" | "remove") => {
    const event: LabelEvent = { id: store.nextId("labelEvent"), resourceType: resource.type, resourceId: resource.id, userId: actor.id, labelId: ensureLabel(store, project, title).id, action, createdAt: at };
    store.labelEvents.set(event.id, event);
  };
  for (const title of change.added) add(title, "add");
  for (const title of change.removed) add(title, "remove");
}

/** A resource's events, oldest first (GitLab orders them by id). */
export function labelEventsOf(app: App, type: LabelEvent["resourceType"], resourceId: number): LabelEvent[] {
  return [...app.store.labelEvents.values()].filter((e) => e.resourceType === type && e.resourceId === resourceId).sort((a, b) => a.id - b.id);
}
