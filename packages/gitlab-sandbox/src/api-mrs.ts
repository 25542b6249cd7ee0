// Merge requests: create (source branch must exist, duplicates answer 409), get, list, edit,
// changes / diffs / commits computed from the real repository.
import { z } from "zod";
import { canReadProject } from "./access";
import { fire, mrFor, paged, projectFor } from "./api-common";
import { requireUser } from "./auth";
import { created, ok, type ApiResult, type ApiRoute, type Ctx } from "./context";
import { forbidden, invalid, notFound, unprocessable } from "./http";
import { compareMergeRequest, createMergeRequest, updateMergeRequest, versionDiffs } from "./mr-service";
import { validate, zBool, zInt, zIntList, zList, zStr } from "./params";
import { mrEntity } from "./present-mrs";
import { projectWebUrl } from "./present-projects";
import { iso } from "./format";
import type { MergeRequest, MrVersion } from "./store";

function listMrs(ctx: Ctx): ApiResult {
  const pa = projectFor(ctx);
  if (pa.project.visibility === "private" && pa.level < 20) throw forbidden();
  const q = ctx.query;
  const state = q.get("state") ?? "all";
  if (!["opened", "closed", "merged", "locked", "all"].includes(state)) throw invalid(["state"]);
  const labels = (q.get("labels") ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "");
  const search = q.get("search")?.toLowerCase() ?? "";
  const iids = q.getAll("iids[]").concat(q.getAll("iids")).map(Number);
  // https://docs.gitlab.com/api/merge_requests/#list-project-merge-requests: updated_after is inclusive.
  const updatedAfter = q.has("updated_after") ? Date.parse(q.get("updated_after") ?? "") : null;
  if (updatedAfter !== null && Number.isNaN(updatedAfter)) throw invalid(["updated_after"]);
  const list: MergeRequest[] = [];
  for (const mr of pa.project.mergeRequests.values()) {
    if (state !== "all" && mr.state !== state) continue;
    if (q.has("source_branch") && mr.sourceBranch !== q.get("source_branch")) continue;
    if (q.has("target_branch") && mr.targetBranch !== q.get("target_branch")) continue;
    if (q.has("author_id") && String(mr.authorId) !== q.get("author_id")) continue;
    if (!labels.every((l) => mr.labels.includes(l))) continue;
    if (search && !mr.title.toLowerCase().includes(search) && !mr.description.toLowerCase().includes(search)) continue;
    if (iids.length > 0 && !iids.includes(mr.iid)) continue;
    if (updatedAfter !== null && mr.updatedAt < updatedAfter) continue;
    list.push(mr);
  }
  const byUpdated = q.get("order_by") === "updated_at";
  const dir = (q.get("sort") ?? "desc") === "asc" ? 1 : -1;
  list.sort((a, b) => ((byUpdated ? a.updatedAt - b.updatedAt : a.createdAt - b.createdAt) || a.id - b.id) * dir);
  return paged(ctx, list, (mr) => mrEntity(ctx.app, pa.project, mr, pa.user, false));
}

const CreateSchema = z.object({
  source_branch: zStr, target_branch: zStr, title: zStr, description: zStr.optional(), labels: zList.optional(),
  assignee_id: zInt.optional(), assignee_ids: zIntList.optional(), reviewer_ids: zIntList.optional(),
  remove_source_branch: zBool.optional(), squash: zBool.optional(), target_project_id: zInt.optional(),
  allow_collaboration: zBool.optional(), allow_maintainer_to_push: zBool.optional(),
});

async function postMr(ctx: Ctx): Promise<ApiResult> {
  const user = requireUser(ctx);
  const pa = projectFor(ctx);
  const input = validate(CreateSchema, ctx.input, ["source_branch", "target_branch", "title"]);
  // create_merge_request_from needs push access (Developer) to the source project.
  if (pa.level < 30) throw forbidden();
  // From a fork (`:id` is the source project): the MR lives in the target project, its parent.
  let target = pa.project;
  if (input.target_project_id !== undefined && input.target_project_id !== pa.project.id) {
    const t = ctx.app.store.projects.get(input.target_project_id);
    if (!t || !canReadProject(ctx.app.store, user, t)) throw notFound("Project");
    if (pa.project.forkedFromId !== t.id) throw unprocessable(["Validate fork Source project is not a fork of the target project"]);
    target = t;
  }
  const { mr, event } = await createMergeRequest(ctx.app, target, user, {
    sourceProject: pa.project, allowCollaboration: input.allow_collaboration ?? input.allow_maintainer_to_push,
    sourceBranch: input.source_branch, targetBranch: input.target_branch, title: input.title, description: input.description,
    labels: input.labels, assigneeIds: input.assignee_ids ?? (input.assignee_id !== undefined ? [input.assignee_id] : undefined),
    reviewerIds: input.reviewer_ids, removeSourceBranch: input.remove_source_branch, squash: input.squash,
  });
  fire(ctx, target, event);
  return created(mrEntity(ctx.app, target, mr, user, true));
}

function getMr(ctx: Ctx): ApiResult {
  const pa = projectFor(ctx);
  return ok(mrEntity(ctx.app, pa.project, mrFor(ctx, pa), pa.user, true));
}

const EditSchema = z.object({
  title: zStr.optional(), description: zStr.optional(), target_branch: zStr.optional(), state_event: z.enum(["close", "reopen"]).optional(),
  labels: zList.optional(), add_labels: zList.optional(), remove_labels: zList.optional(), assignee_id: zInt.optional(),
  assignee_ids: zIntList.optional(), reviewer_ids: zIntList.optional(), allow_collaboration: zBool.optional(), allow_maintainer_to_push: zBool.optional(),
});

async function putMr(ctx: Ctx): Promise<ApiResult> {
  const user = requireUser(ctx);
  const pa = projectFor(ctx);
  const mr = mrFor(ctx, pa);
  if (pa.level < 30 && mr.authorId !== user.id) throw forbidden();
  const input = validate(EditSchema, ctx.input);
  const event = await updateMergeRequest(ctx.app, pa.project, mr, user, {
    title: input.title, description: input.description, targetBranch: input.target_branch, stateEvent: input.state_event,
    labels: input.labels, addLabels: input.add_labels, removeLabels: input.remove_labels, reviewerIds: input.reviewer_ids,
    allowCollaboration: input.allow_collaboration ?? input.allow_maintainer_to_push,
    assigneeIds: input.assignee_ids ?? (input.assignee_id !== undefined ? (input.assignee_id === 0 ? [] : [input.assignee_id]) : undefined),
  });
  if (event) fire(ctx, pa.project, event);
  return ok(mrEntity(ctx.app, pa.project, mr, user, true));
}

async function changes(ctx: Ctx): Promise<ApiResult> {
  const pa = projectFor(ctx);
  const mr = mrFor(ctx, pa);
  const cmp = await compareMergeRequest(ctx.app, pa.project, mr);
  return ok({ ...mrEntity(ctx.app, pa.project, mr, pa.user, true), changes: cmp.diffs.map((d) => ({ ...d, generated_file: false })), overflow: false });
}

async function diffs(ctx: Ctx): Promise<ApiResult> {
  const pa = projectFor(ctx);
  const mr = mrFor(ctx, pa);
  const cmp = await compareMergeRequest(ctx.app, pa.project, mr);
  return paged(ctx, cmp.diffs, (d) => ({ ...d, generated_file: false, collapsed: false, too_large: false }));
}

async function commits(ctx: Ctx): Promise<ApiResult> {
  const pa = projectFor(ctx);
  const mr = mrFor(ctx, pa);
  const cmp = await compareMergeRequest(ctx.app, pa.project, mr);
  const web = projectWebUrl(ctx.app, pa.project);
  return paged(ctx, cmp.commits, (c) => ({ ...c, trailers: {}, extended_trailers: {}, web_url: `${web}/-/commit/${c.id}` }));
}

function versionEntity(mr: MergeRequest, v: MrVersion): Record<string, unknown> {
  return {
    id: v.id, head_commit_sha: v.headSha, base_commit_sha: v.baseSha, start_commit_sha: v.startSha, created_at: iso(v.createdAt),
    merge_request_id: mr.id, state: "collected", real_size: String(mr.changesCount), patch_id_sha: null,
  };
}

/**
 * `GET …/versions`: newest first (https://docs.gitlab.com/api/merge_requests/#get-merge-request-diff-versions).
 * `GET …/versions/:version_id` adds `commits` and `diffs` of that version.
 */
function listVersions(ctx: Ctx): ApiResult {
  const pa = projectFor(ctx);
  const mr = mrFor(ctx, pa);
  return paged(ctx, [...mr.versions].reverse(), (v) => versionEntity(mr, v));
}

async function getVersion(ctx: Ctx): Promise<ApiResult> {
  const pa = projectFor(ctx);
  const mr = mrFor(ctx, pa);
  const version = mr.versions.find((v) => v.id === Number(ctx.params.version_id));
  if (!version) throw notFound("Merge request diff");
  const cmp = await versionDiffs(ctx.app, pa.project, mr, version);
  const web = projectWebUrl(ctx.app, pa.project);
  return ok({
    ...versionEntity(mr, version),
    commits: cmp.commits.map((c) => ({ ...c, trailers: {}, extended_trailers: {}, web_url: `${web}/-/commit/${c.id}` })),
    diffs: cmp.diffs.map((d) => ({ ...d, generated_file: false, collapsed: false, too_large: false })),
  });
}

/** `GET /merge_requests` scoped to the user (created_by_me by default). */
function myMrs(ctx: Ctx): ApiResult {
  const user = requireUser(ctx);
  const state = ctx.query.get("state") ?? "all";
  const scope = ctx.query.get("scope") ?? "created_by_me";
  const list: { mr: MergeRequest; projectId: number }[] = [];
  for (const mr of ctx.app.store.mergeRequests.values()) {
    if (state !== "all" && mr.state !== state) continue;
    if (scope === "created_by_me" && mr.authorId !== user.id) continue;
    if (scope === "assigned_to_me" && !mr.assigneeIds.includes(user.id)) continue;
    list.push({ mr, projectId: mr.projectId });
  }
  list.sort((a, b) => b.mr.createdAt - a.mr.createdAt);
  return paged(ctx, list, ({ mr, projectId }) => {
    const project = ctx.app.store.projects.get(projectId);
    return project ? mrEntity(ctx.app, project, mr, user, false) : null;
  });
}

export const mrRoutes: ApiRoute[] = [
  { method: "GET", path: "/merge_requests", handler: myMrs },
  { method: "GET", path: "/projects/:id/merge_requests", handler: listMrs },
  { method: "POST", path: "/projects/:id/merge_requests", handler: postMr },
  { method: "GET", path: "/projects/:id/merge_requests/:merge_request_iid", handler: getMr },
  { method: "PUT", path: "/projects/:id/merge_requests/:merge_request_iid", handler: putMr },
  { method: "GET", path: "/projects/:id/merge_requests/:merge_request_iid/changes", handler: changes },
  { method: "GET", path: "/projects/:id/merge_requests/:merge_request_iid/diffs", handler: diffs },
  { method: "GET", path: "/projects/:id/merge_requests/:merge_request_iid/commits", handler: commits },
  { method: "GET", path: "/projects/:id/merge_requests/:merge_request_iid/versions", handler: listVersions },
  { method: "GET", path: "/projects/:id/merge_requests/:merge_request_iid/versions/:version_id", handler: getVersion },
];

