import { z } from "zod";
import type { GitLabApi } from "./client";
import { GitLabError } from "./errors";
import { listPage, rest, type Cursor, type ListPage } from "./groups";
import type { HookOwner } from "./webhooks-api";

/**
 * A hook's delivery log and its resend, and the test request that re-enables a disabled hook.
 *
 * - `GET /{projects|groups}/:id/hooks/:hook_id/events` (GitLab 17.3): the hook's events of the past
 *   7 days, paginated, optionally filtered by `status` (100..599, or `successful`,
 *   `client_failure`, `server_failure`). https://docs.gitlab.com/api/project_webhooks/#list-project-webhook-events
 *   https://docs.gitlab.com/api/group_webhooks/#list-group-hook-events
 * - `POST …/events/:hook_log_id/resend` (GitLab 17.4): sends the logged request again with the same
 *   `Idempotency-Key`. Limited to 5 a minute per user and project or group, all its hooks together
 *   (https://docs.gitlab.com/administration/settings/rate-limit-on-webhook-operations/). A disabled
 *   hook does not execute it.
 * - `POST /{projects|groups}/:id/hooks/:hook_id/test/:trigger` (groups: GitLab 17,
 *   gitlab-org/gitlab!150486): a test request; a 2xx answer re-enables a
 *   temporarily or permanently disabled hook, which is how GitLab documents re-enabling one
 *   (https://docs.gitlab.com/user/project/integrations/webhooks/#re-enable-disabled-webhooks). Same
 *   5-a-minute limit as resends.
 *
 * Older GitLab answers 404 on the events endpoints: callers fall back to the catch-up sweep.
 */

export const RESENDS_PER_MINUTE = 5;

export const hookEventSchema = z
  .object({
    id: z.number().int(),
    trigger: z.string(),
    request_headers: z.record(z.string(), z.string()).catch({}),
    request_data: z.unknown(),
    /** a number as text ("200"), or "internal error" when no HTTP answer came */
    response_status: z.union([z.string(), z.number()]).transform(String),
  })
  .loose();
export type HookEvent = z.infer<typeof hookEventSchema>;

const base = (owner: HookOwner, hookId: number) => `${owner.kind}s/${owner.id}/hooks/${hookId}`;

/** One page of the hook's events, newest first. */
export function hookEventsPage(api: GitLabApi, owner: HookOwner, hookId: number, cursor: Cursor): Promise<ListPage<HookEvent>> {
  return listPage(api, `${base(owner, hookId)}/events`, {}, hookEventSchema, cursor);
}

/** Whether the delivery reached the receiver and was accepted. */
export const eventSucceeded = (e: Pick<HookEvent, "response_status">): boolean => /^2\d\d$/.test(e.response_status);

/** The Idempotency-Key the event was sent with (GitLab ≥ 17.4 sends one), else the event UUID. */
export function eventIdempotencyKey(e: Pick<HookEvent, "request_headers">): string | null {
  for (const [k, v] of Object.entries(e.request_headers)) if (k.toLowerCase() === "idempotency-key" && v.trim()) return v.trim();
  for (const [k, v] of Object.entries(e.request_headers)) if (k.toLowerCase() === "x-gitlab-event-uuid" && v.trim()) return v.trim();
  return null;
}

export type ResendResult = { sent: true; status: number | null } | { sent: false; reason: "rate_limited" | "hook_disabled" | "gone" | "refused"; message: string };

export async function resendHookEvent(api: GitLabApi, owner: HookOwner, hookId: number, eventId: number): Promise<ResendResult> {
  try {
    const res = await rest(api, "post", `${base(owner, hookId)}/events/${eventId}/resend`);
    const status = z.object({ response_status: z.union([z.number(), z.string()]).nullish() }).loose().safeParse(res.body);
    const code = status.success ? Number(status.data.response_status) : Number.NaN;
    return { sent: true, status: Number.isFinite(code) ? code : null };
  } catch (err) {
    if (!(err instanceof GitLabError)) throw err;
    if (err.kind === "rate_limited") return { sent: false, reason: "rate_limited", message: err.message };
    if (err.kind === "not_found") return { sent: false, reason: "gone", message: err.message };
    if (/disabled/i.test(err.message)) return { sent: false, reason: "hook_disabled", message: err.message };
    if (err.kind === "bad_request") return { sent: false, reason: "refused", message: err.message };
    throw err;
  }
}

/**
 * Sends a test request of `trigger` (`note_events`, `issues_events`, `merge_requests_events`). True
 * when the receiver answered 2xx, which re-enables the hook; false when GitLab could not build a
 * sample (no notes yet) or the receiver failed.
 */
export async function testHook(api: GitLabApi, owner: HookOwner, hookId: number, trigger: string): Promise<boolean> {
  try {
    await rest(api, "post", `${base(owner, hookId)}/test/${trigger}`);
    return true;
  } catch (err) {
    if (err instanceof GitLabError && (err.kind === "bad_request" || err.kind === "not_found")) return false;
    throw err;
  }
}
