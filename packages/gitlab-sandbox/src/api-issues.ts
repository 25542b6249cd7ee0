// Project issues: list (state, labels, search, iids), get, create, edit (labels / add_labels /
// remove_labels, title, description, state_event, assignees, confidential).
import { z } from "zod";
import { canSeeIssue, fire, issueFor, paged, projectFor } from "./api-common";
import { requireUser } from "./auth";
import { created, ok, type ApiResult, type ApiRoute, type Ctx } from "./context";
import { forbidden, invalid } from "./http";
import { createIssue, updateIssue } from "./issue-service";
import { validate, zBool, zInt, zIntList, zList, zStr } from "./params";
import { issueEntity } from "./present-issues";
import type { Issue } from "./store";

function listIssues(ctx: Ctx): ApiResult {
  const pa = projectFor(ctx);
  const q = ctx.query;
  const state = q.get("state") ?? "all";
  if (!["opened", "closed", "all"].includes(state)) throw invalid(["state"]);
  const labelFilter = (q.get("labels") ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "");
  const search = q.get("search")?.toLowerCase() ?? "";
  const iids = q.getAll("iids[]").concat(q.getAll("iids")).map(Number);
  const authorId = q.get("author_id");
  const assigneeId = q.get("assignee_id");
  const confidential = q.get("confidential");
  // https://docs.gitlab.com/api/issues/#list-project-issues: updated_after is inclusive.
  const updatedAfter = q.has("updated_after") ? Date.parse(q.get("updated_after") ?? "") : null;
  if (updatedAfter !== null && Number.isNaN(updatedAfter)) throw invalid(["updated_after"]);
  const list: Issue[] = [];
  for (const issue of pa.project.issues.values()) {
    if (!canSeeIssue(issue, pa.user, pa.level)) continue;
    if (state !== "all" && issue.state !== state) continue;
    if (labelFilter.length === 1 && labelFilter[0]?.toLowerCase() === "none") {
      if (issue.labels.length > 0) continue;
    } else if (labelFilter.length === 1 && labelFilter[0]?.toLowerCase() === "any") {
      if (issue.labels.length === 0) continue;
    } else if (!labelFilter.every((l) => issue.labels.includes(l))) continue;
    if (search && !issue.title.toLowerCase().includes(search) && !issue.description.toLowerCase().includes(search)) continue;
    if (iids.length > 0 && !iids.includes(issue.iid)) continue;
    if (authorId && String(issue.authorId) !== authorId) continue;
    if (assigneeId && !issue.assigneeIds.map(String).includes(assigneeId)) continue;
    if (confidential && String(issue.confidential) !== confidential) continue;
    if (updatedAfter !== null && issue.updatedAt < updatedAfter) continue;
    list.push(issue);
  }
  const orderBy = q.get("order_by") ?? "created_at";
  const dir = (q.get("sort") ?? "desc") === "asc" ? 1 : -1;
  const key = (i: Issue): number => (orderBy === "updated_at" ? i.updatedAt : i.createdAt);
  list.sort((a, b) => (key(a) - key(b)) * dir || (a.id - b.id) * dir);
  return paged(ctx, list, (i) => issueEntity(ctx.app, pa.project, i, pa.user));
}

function getIssue(ctx: Ctx): ApiResult {
  const pa = projectFor(ctx);
  return ok(issueEntity(ctx.app, pa.project, issueFor(ctx, pa), pa.user));
}

const CreateSchema = z.object({
  title: zStr, description: zStr.optional(), labels: zList.optional(), assignee_ids: zIntList.optional(), assignee_id: zInt.optional(),
  confidential: zBool.optional(), created_at: zStr.optional(),
});

function postIssue(ctx: Ctx): ApiResult {
  const user = requireUser(ctx);
  const pa = projectFor(ctx);
  const input = validate(CreateSchema, ctx.input, ["title"]);
  const created_ = input.created_at && pa.level >= 50 ? Date.parse(input.created_at) : Number.NaN;
  const { issue, event } = createIssue(ctx.app, pa.project, user, {
    title: input.title, description: input.description, labels: input.labels, confidential: input.confidential,
    assigneeIds: input.assignee_ids ?? (input.assignee_id !== undefined ? [input.assignee_id] : undefined),
    createdAt: Number.isNaN(created_) ? undefined : created_,
  });
  fire(ctx, pa.project, event);
  return created(issueEntity(ctx.app, pa.project, issue, user));
}

const EditSchema = z.object({
  title: zStr.optional(), description: zStr.optional(), labels: zList.optional(), add_labels: zList.optional(), remove_labels: zList.optional(),
  state_event: z.enum(["close", "reopen"]).optional(), assignee_ids: zIntList.optional(), assignee_id: zInt.optional(),
  confidential: zBool.optional(), discussion_locked: zBool.optional(),
});

function putIssue(ctx: Ctx): ApiResult {
  const user = requireUser(ctx);
  const pa = projectFor(ctx);
  const issue = issueFor(ctx, pa);
  // update_issue: Planner/Reporter and above, or the author.
  if (pa.level < 15 && issue.authorId !== user.id) throw forbidden();
  const input = validate(EditSchema, ctx.input);
  const event = updateIssue(ctx.app, pa.project, issue, user, {
    title: input.title, description: input.description, labels: input.labels, addLabels: input.add_labels, removeLabels: input.remove_labels,
    stateEvent: input.state_event, confidential: input.confidential, discussionLocked: input.discussion_locked,
    assigneeIds: input.assignee_ids ?? (input.assignee_id !== undefined ? (input.assignee_id === 0 ? [] : [input.assignee_id]) : undefined),
  });
  if (event) fire(ctx, pa.project, event);
  return ok(issueEntity(ctx.app, pa.project, issue, user));
}

export const issueRoutes: ApiRoute[] = [
  { method: "GET", path: "/projects/:id/issues", handler: listIssues },
  { method: "POST", path: "/projects/:id/issues", handler: postIssue },
  { method: "GET", path: "/projects/:id/issues/:issue_iid", handler: getIssue },
  { method: "PUT", path: "/projects/:id/issues/:issue_iid", handler: putIssue },
];
