// GET /projects/:id/issues/:issue_iid/resource_label_events (and /:resource_label_event_id), and the
// merge request variants, as https://docs.gitlab.com/api/resource_label_events/ documents them:
// `{ id, user, created_at, resource_type, resource_id, label: { id, name, color, description }, action }`,
// paginated, visible to whoever can see the issue or merge request.
import { issueFor, mrFor, paged, projectFor } from "./api-common";
import { ok, type ApiResult, type ApiRoute, type App, type Ctx } from "./context";
import { recordNotFound } from "./http";
import { iso } from "./format";
import { labelEventsOf } from "./label-events";
import { userBasic } from "./present-users";
import type { LabelEvent, Project } from "./store";

function present(app: App, project: Project, e: LabelEvent): Record<string, unknown> {
  const user = app.store.users.get(e.userId);
  const label = [...project.labels.values()].find((l) => l.id === e.labelId);
  return {
    id: e.id,
    user: user ? userBasic(app, user) : null,
    created_at: iso(e.createdAt),
    resource_type: e.resourceType,
    resource_id: e.resourceId,
    // GitLab answers null for a label deleted since.
    label: label ? { id: label.id, name: label.title, color: label.color, description: label.description ?? "" } : null,
    action: e.action,
  };
}

function resourceOf(ctx: Ctx, type: LabelEvent["resourceType"]): { project: Project; id: number } {
  const pa = projectFor(ctx);
  return { project: pa.project, id: type === "Issue" ? issueFor(ctx, pa).id : mrFor(ctx, pa).id };
}

const list = (type: LabelEvent["resourceType"]) => (ctx: Ctx): ApiResult => {
  const { project, id } = resourceOf(ctx, type);
  return paged(ctx, labelEventsOf(ctx.app, type, id), (e) => present(ctx.app, project, e));
};

const show = (type: LabelEvent["resourceType"]) => (ctx: Ctx): ApiResult => {
  const { project, id } = resourceOf(ctx, type);
  const event = labelEventsOf(ctx.app, type, id).find((e) => e.id === Number(ctx.params.resource_label_event_id));
  if (!event) throw recordNotFound();
  return ok(present(ctx.app, project, event));
};

export const labelEventRoutes: ApiRoute[] = [
  { method: "GET", path: "/projects/:id/issues/:issue_iid/resource_label_events", handler: list("Issue") },
  { method: "GET", path: "/projects/:id/issues/:issue_iid/resource_label_events/:resource_label_event_id", handler: show("Issue") },
  { method: "GET", path: "/projects/:id/merge_requests/:merge_request_iid/resource_label_events", handler: list("MergeRequest") },
  { method: "GET", path: "/projects/:id/merge_requests/:merge_request_iid/resource_label_events/:resource_label_event_id", handler: show("MergeRequest") },
];
