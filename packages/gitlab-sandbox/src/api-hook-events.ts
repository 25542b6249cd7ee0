// A hook's delivery log ("Recent events") and resending a logged event, for project and group hooks:
//   GET  /projects/:id/hooks/:hook_id/events                         (GitLab 17.3)
//   POST /projects/:id/hooks/:hook_id/events/:hook_log_id/resend     (GitLab 17.4)
//   and the same under /groups/:id/hooks/… (Premium+).
// https://docs.gitlab.com/api/project_webhooks/#list-project-webhook-events
// https://docs.gitlab.com/api/group_webhooks/#list-group-hook-events
// The log keeps 7 days; `status` filters by response code (100..599) or by the names `successful`,
// `client_failure`, `server_failure`; results are paginated like every list. A resend is limited to 5
// requests a minute per user and project or group, shared by all its hooks
// (https://docs.gitlab.com/administration/settings/rate-limit-on-webhook-operations/), and runs
// through the hook's normal execution, so a disabled hook does not send it.
import { effectiveTier } from "./access";
import { groupFor, paged, projectFor } from "./api-common";
import { requireUser } from "./auth";
import { created, type ApiResult, type ApiRoute, type App, type Ctx } from "./context";
import { forbidden, HttpError, recordNotFound, unprocessable } from "./http";
import type { DeliveryRecord } from "./webhook-delivery";
import type { Hook } from "./store";

const LOG_RETENTION_MS = 7 * 86_400_000;
export const RESEND_LIMIT_PER_MINUTE = 5;

const STATUS_NAMES: Record<string, (s: number) => boolean> = {
  successful: (s) => s >= 200 && s < 300,
  client_failure: (s) => s >= 400 && s < 500,
  server_failure: (s) => s >= 500 && s < 600,
};

type Kind = "project" | "group";

function hookOf(ctx: Ctx, kind: Kind): Hook {
  let ownerId: number;
  if (kind === "project") {
    ownerId = projectFor(ctx, 40).project.id;
  } else {
    const { group, level } = groupFor(ctx);
    if (level < 50) throw forbidden();
    if (ctx.app.config.freeTierGroupHooks === "forbidden" && effectiveTier(ctx.app.store, group) === "free") throw forbidden();
    ownerId = group.id;
  }
  const hook = ctx.app.store.hooks.get(Number(ctx.params.hook_id));
  if (!hook || hook.kind !== kind || (kind === "project" ? hook.projectId : hook.groupId) !== ownerId) throw recordNotFound();
  return hook;
}

function statusFilter(ctx: Ctx): ((r: DeliveryRecord) => boolean) | null {
  const values = ctx.query.getAll("status[]").concat(ctx.query.getAll("status")).flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean);
  if (values.length === 0) return null;
  const tests = values.map((v) => {
    if (v in STATUS_NAMES) return STATUS_NAMES[v] as (s: number) => boolean;
    const code = Number(v);
    if (!Number.isInteger(code) || code < 100 || code > 599) throw new HttpError(400, { error: "status does not have a valid value" });
    return (s: number) => s === code;
  });
  return (r) => r.status !== null && tests.some((t) => t(r.status as number));
}

/** WebHookLog as the API presents it (the shape of the official example, api_project_hook_event_log_entry.json). */
function eventEntity(r: DeliveryRecord): Record<string, unknown> {
  return {
    id: r.id,
    url: r.url,
    trigger: r.trigger,
    request_headers: r.request_headers,
    request_data: r.request_body,
    response_headers: {},
    response_body: r.response_body ?? "",
    execution_duration: r.duration_ms === null ? 0 : r.duration_ms / 1000,
    // A request that got no HTTP answer is logged with the status "internal error".
    response_status: r.status === null ? "internal error" : String(r.status),
  };
}

function listEvents(ctx: Ctx, kind: Kind): ApiResult {
  const hook = hookOf(ctx, kind);
  const filter = statusFilter(ctx);
  const since = Date.now() - LOG_RETENTION_MS;
  // Only executed requests are logged; the newest first, as the UI's "Recent events".
  const events = ctx.app.webhooks
    .list()
    .filter((r) => r.hook_id === hook.id && r.state === "done" && Date.parse(r.finished_at ?? r.queued_at) >= since && (!filter || filter(r)))
    .sort((a, b) => b.id - a.id);
  return paged(ctx, events, eventEntity);
}

const resendWindows = new WeakMap<App, Map<string, number[]>>();

function takeResendSlot(app: App, key: string): boolean {
  let windows = resendWindows.get(app);
  if (!windows) resendWindows.set(app, (windows = new Map()));
  const now = Date.now();
  const recent = (windows.get(key) ?? []).filter((t) => t > now - 60_000);
  if (recent.length >= RESEND_LIMIT_PER_MINUTE) {
    windows.set(key, recent);
    return false;
  }
  recent.push(now);
  windows.set(key, recent);
  return true;
}

async function resendEvent(ctx: Ctx, kind: Kind): Promise<ApiResult> {
  const user = requireUser(ctx);
  const hook = hookOf(ctx, kind);
  const original = ctx.app.webhooks.list().find((r) => r.id === Number(ctx.params.hook_log_id) && r.hook_id === hook.id && r.state === "done");
  if (!original) throw recordNotFound();
  const owner = hook.kind === "project" ? `project:${hook.projectId}` : `group:${hook.groupId}`;
  if (!takeResendSlot(ctx.app, `${user.id}:${owner}`)) {
    throw new HttpError(429, { message: "This endpoint has been requested too many times. Try again later." }, { "Retry-After": "60" });
  }
  if (original.url !== hook.url) throw unprocessable("The hook URL has changed, and this log entry cannot be retried");
  const record = await ctx.app.webhooks.resendNow(original);
  if (!record) throw recordNotFound();
  if (record.state !== "done") throw unprocessable("Hook disabled");
  return created({ response_status: record.status });
}

export const hookEventRoutes: ApiRoute[] = [
  { method: "GET", path: "/projects/:id/hooks/:hook_id/events", handler: (ctx) => listEvents(ctx, "project") },
  { method: "POST", path: "/projects/:id/hooks/:hook_id/events/:hook_log_id/resend", handler: (ctx) => resendEvent(ctx, "project") },
  { method: "GET", path: "/groups/:id/hooks/:hook_id/events", handler: (ctx) => listEvents(ctx, "group") },
  { method: "POST", path: "/groups/:id/hooks/:hook_id/events/:hook_log_id/resend", handler: (ctx) => resendEvent(ctx, "group") },
];
