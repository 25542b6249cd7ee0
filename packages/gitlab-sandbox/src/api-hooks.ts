// Project hooks (Maintainer+) and group hooks (Owner, Premium+ namespaces): list, get, create, edit,
// delete. `token` is write-only and is reset when the URL changes without a new token.
import { z } from "zod";
import { effectiveTier } from "./access";
import { groupFor, paged, projectFor } from "./api-common";
import { created, noContent, ok, type ApiResult, type ApiRoute, type Ctx } from "./context";
import { forbidden, recordNotFound, unprocessable } from "./http";
import { validate, zBool, zStr } from "./params";
import { hookEntity } from "./present-hooks";
import { HOOK_EVENT_FLAGS, type Hook, type HookEventFlag } from "./store";

const KeyValue = z.array(z.object({ key: zStr, value: zStr }));

const HookSchema = z.object({
  url: zStr, name: zStr.optional(), description: zStr.optional(), token: zStr.optional(),
  push_events_branch_filter: zStr.optional(), branch_filter_strategy: z.enum(["wildcard", "regex", "all_branches"]).optional(),
  enable_ssl_verification: zBool.optional(), custom_webhook_template: zStr.optional(),
  custom_headers: KeyValue.optional(), url_variables: KeyValue.optional(),
  ...Object.fromEntries(HOOK_EVENT_FLAGS.map((f) => [f, zBool.optional()])) as Record<HookEventFlag, z.ZodOptional<typeof zBool>>,
});
type HookInput = z.infer<typeof HookSchema>;

function checkUrl(url: string, variables: { key: string }[]): void {
  // `{var}` placeholders are allowed when url_variables define them.
  let candidate = url;
  for (const v of variables) candidate = candidate.split(`{${v.key}}`).join("x");
  let parsed: URL;
  try {
    parsed = new URL(candidate);
  } catch {
    throw unprocessable("Invalid url given");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw unprocessable("Invalid url given");
}

function applyInput(hook: Hook, input: HookInput, isCreate: boolean): void {
  const urlChanged = hook.url !== input.url;
  // Validate before touching the hook, so a rejected edit changes nothing.
  checkUrl(input.url, input.url_variables ?? hook.urlVariables);
  if (input.url_variables) hook.urlVariables = input.url_variables;
  hook.url = input.url;
  if (input.token !== undefined) hook.token = input.token === "" ? null : input.token;
  else if (!isCreate && urlChanged) hook.token = null;
  if (input.name !== undefined) hook.name = input.name;
  if (input.description !== undefined) hook.description = input.description;
  if (input.push_events_branch_filter !== undefined) hook.pushEventsBranchFilter = input.push_events_branch_filter;
  if (input.branch_filter_strategy !== undefined) hook.branchFilterStrategy = input.branch_filter_strategy;
  if (input.enable_ssl_verification !== undefined) hook.enableSslVerification = input.enable_ssl_verification;
  if (input.custom_webhook_template !== undefined) hook.customWebhookTemplate = input.custom_webhook_template;
  if (input.custom_headers) hook.customHeaders = input.custom_headers;
  for (const f of HOOK_EVENT_FLAGS) {
    const v = input[f];
    if (v !== undefined) hook.events[f] = v;
  }
}

function newHook(ctx: Ctx, kind: "project" | "group", ownerId: number): Hook {
  const events = Object.fromEntries(HOOK_EVENT_FLAGS.map((f) => [f, f === "push_events"])) as Record<HookEventFlag, boolean>;
  return {
    id: ctx.app.store.nextId("hook"), kind, projectId: kind === "project" ? ownerId : null, groupId: kind === "group" ? ownerId : null,
    url: "", name: "", description: "", token: null, events, pushEventsBranchFilter: "", branchFilterStrategy: "wildcard",
    enableSslVerification: true, customWebhookTemplate: null, customHeaders: [], urlVariables: [], createdAt: Date.now(),
    recentFailures: 0, backoffCount: 0, disabledUntil: null,
  };
}

// ---- project hooks ----

function projectHooks(ctx: Ctx): { projectId: number; hooks: Hook[] } {
  const { project } = projectFor(ctx, 40);
  const hooks = [...ctx.app.store.hooks.values()].filter((h) => h.kind === "project" && h.projectId === project.id);
  return { projectId: project.id, hooks };
}

function findIn(ctx: Ctx, hooks: Hook[]): Hook {
  const hook = hooks.find((h) => String(h.id) === ctx.params.hook_id);
  if (!hook) throw recordNotFound();
  return hook;
}

const listProjectHooks = (ctx: Ctx): ApiResult => paged(ctx, projectHooks(ctx).hooks, hookEntity);
const getProjectHook = (ctx: Ctx): ApiResult => ok(hookEntity(findIn(ctx, projectHooks(ctx).hooks)));

function createProjectHook(ctx: Ctx): ApiResult {
  const { projectId } = projectHooks(ctx);
  const input = validate(HookSchema, ctx.input, ["url"]);
  const hook = newHook(ctx, "project", projectId);
  applyInput(hook, input, true);
  ctx.app.store.hooks.set(hook.id, hook);
  return created(hookEntity(hook));
}

function editProjectHook(ctx: Ctx): ApiResult {
  const hook = findIn(ctx, projectHooks(ctx).hooks);
  applyInput(hook, validate(HookSchema, ctx.input, ["url"]), false);
  return ok(hookEntity(hook));
}

function deleteProjectHook(ctx: Ctx): ApiResult {
  const hook = findIn(ctx, projectHooks(ctx).hooks);
  ctx.app.store.hooks.delete(hook.id);
  return noContent();
}

// ---- group hooks ----

function groupHooks(ctx: Ctx): { groupId: number; hooks: Hook[] } {
  const { group, level } = groupFor(ctx);
  if (level < 50) throw forbidden();
  if (ctx.app.config.freeTierGroupHooks === "forbidden" && effectiveTier(ctx.app.store, group) === "free") throw forbidden();
  const hooks = [...ctx.app.store.hooks.values()].filter((h) => h.kind === "group" && h.groupId === group.id);
  return { groupId: group.id, hooks };
}

const listGroupHooks = (ctx: Ctx): ApiResult => paged(ctx, groupHooks(ctx).hooks, hookEntity);
const getGroupHook = (ctx: Ctx): ApiResult => ok(hookEntity(findIn(ctx, groupHooks(ctx).hooks)));

function createGroupHook(ctx: Ctx): ApiResult {
  const { groupId } = groupHooks(ctx);
  const input = validate(HookSchema, ctx.input, ["url"]);
  const hook = newHook(ctx, "group", groupId);
  applyInput(hook, input, true);
  ctx.app.store.hooks.set(hook.id, hook);
  return created(hookEntity(hook));
}

function editGroupHook(ctx: Ctx): ApiResult {
  const hook = findIn(ctx, groupHooks(ctx).hooks);
  applyInput(hook, validate(HookSchema, ctx.input, ["url"]), false);
  return ok(hookEntity(hook));
}

function deleteGroupHook(ctx: Ctx): ApiResult {
  const hook = findIn(ctx, groupHooks(ctx).hooks);
  ctx.app.store.hooks.delete(hook.id);
  return noContent();
}

export const hookRoutes: ApiRoute[] = [
  { method: "GET", path: "/projects/:id/hooks", handler: listProjectHooks },
  { method: "POST", path: "/projects/:id/hooks", handler: createProjectHook },
  { method: "GET", path: "/projects/:id/hooks/:hook_id", handler: getProjectHook },
  { method: "PUT", path: "/projects/:id/hooks/:hook_id", handler: editProjectHook },
  { method: "DELETE", path: "/projects/:id/hooks/:hook_id", handler: deleteProjectHook },
  { method: "GET", path: "/groups/:id/hooks", handler: listGroupHooks },
  { method: "POST", path: "/groups/:id/hooks", handler: createGroupHook },
  { method: "GET", path: "/groups/:id/hooks/:hook_id", handler: getGroupHook },
  { method: "PUT", path: "/groups/:id/hooks/:hook_id", handler: editGroupHook },
  { method: "DELETE", path: "/groups/:id/hooks/:hook_id", handler: deleteGroupHook },
];
