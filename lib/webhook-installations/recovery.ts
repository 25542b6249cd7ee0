import type { DbHandle, Database } from "@/db/client";
import type { WebhookInstallation } from "@/db/schema";
import type { GitLabApi } from "@/lib/gitlab/client";
import { GitLabError, NeedsReauthError } from "@/lib/gitlab/errors";
import { collectPages, type Cursor } from "@/lib/gitlab/groups";
import { eventIdempotencyKey, eventSucceeded, hookEventsPage, resendHookEvent, RESENDS_PER_MINUTE, testHook, type HookEvent } from "@/lib/gitlab/webhook-event-log";
import { getHook, type HookOwner } from "@/lib/gitlab/webhooks-api";
import type { OAuthConfigSource } from "@/lib/gitlab/tokens";
import { eventKindForHeader, parseWebhookEvent } from "@/lib/gitlab/webhook-events";
import { log } from "@/lib/log";
import { postingIdentity } from "@/lib/resolver/identity";
import { decide } from "@/lib/resolver/triggers";
import { listInstalledHooks, markRecoveryFailed, markRecoveryRan, markReenabled, recordedIdempotencyKeys } from "./queries";
import { sweepInstallation } from "./recovery-sweep";
import { openHookSession, type HookSession } from "./session";

/**
 * Recovery of what GitLab could not deliver, for every installed hook. GitLab does not retry a
 * failed delivery, disables a hook after 4 failures in a row (1 minute, then doubling up to a day,
 * and for good after 40 failures: https://docs.gitlab.com/user/project/integrations/webhooks/#auto-disabled-webhooks)
 * and sends nothing while it is disabled. So, on start-up, when the database or GitLab comes back,
 * and every HOOKS_RECOVERY_INTERVAL_MINUTES:
 *
 * 1. re-enable: a disabled hook gets a test request, which re-enables it when our receiver answers
 *    2xx (GitLab's documented way back); recorded on the installation;
 * 2. resend: the hook's logged deliveries that failed and that we never recorded are resent, within
 *    GitLab's limit of 5 resends a minute per project or group. A resend carries the original
 *    Idempotency-Key, so the receiver's UNIQUE key makes it count once;
 * 3. sweep: what was never sent at all is found through the API (recovery-sweep.ts).
 *
 * The three overlap on purpose; the trigger key makes them one run (lib/webhook-installations/recovery-triggers.ts).
 */

export interface RecoveryOptions {
  oauth: OAuthConfigSource;
  botToken: string | null;
  staleHours: number;
  /** GitLab's request rate limit waits, per call (tests use a short budget) */
  maxWaitSeconds?: number;
  now?: () => Date;
}

export interface RecoveryResult {
  installationId: string;
  reenabled: boolean;
  resent: number;
  recovered: number;
  stale: number;
  error: string | null;
  /** the pass failed because GitLab was unreachable or failing: worth trying again soon */
  gitlabDown: boolean;
}

/** First pass on a hook: look back this far (never further than GitLab's 7-day log). */
const FIRST_LOOKBACK_MS = 24 * 3_600_000;
const MAX_LOOKBACK_MS = 7 * 24 * 3_600_000;
/** Overlap between passes, for clock skew between GitLab and us. */
const OVERLAP_MS = 60_000;
const MAX_EVENT_PAGES = 5;
/** Sample events a test request can be built from, tried in order: MR events never trigger a run. */
const TEST_TRIGGERS = ["merge_requests_events", "note_events", "issues_events"];

export function sweepSince(installation: Pick<WebhookInstallation, "sweptThrough" | "installedAt">, now: Date): Date {
  const floor = now.getTime() - MAX_LOOKBACK_MS;
  if (installation.sweptThrough) return new Date(Math.max(floor, installation.sweptThrough.getTime() - OVERLAP_MS));
  const installed = installation.installedAt?.getTime() ?? now.getTime();
  return new Date(Math.max(installed - OVERLAP_MS, now.getTime() - FIRST_LOOKBACK_MS));
}

async function reEnable(session: HookSession, owner: HookOwner, hookId: number): Promise<{ wasDisabled: boolean; reenabled: boolean }> {
  const hook = await session.call((api) => getHook(api, owner, hookId));
  if (!hook.alert_status || hook.alert_status === "executable") return { wasDisabled: false, reenabled: false };
  for (const trigger of TEST_TRIGGERS) {
    if (await session.call((api) => testHook(api, owner, hookId, trigger))) return { wasDisabled: true, reenabled: true };
  }
  return { wasDisabled: true, reenabled: false };
}

/** When the event's trigger happened, read from the payload (the log entry has no date of its own). */
function eventTime(e: HookEvent): number | null {
  const attrs = (e.request_data as { object_attributes?: { created_at?: unknown; updated_at?: unknown } } | null)?.object_attributes;
  const at = typeof attrs?.updated_at === "string" ? attrs.updated_at : typeof attrs?.created_at === "string" ? attrs.created_at : null;
  const ms = at ? Date.parse(at) : Number.NaN;
  return Number.isNaN(ms) ? null : ms;
}

/** The failed events worth resending: triggers we never recorded, not stale, oldest first. */
async function resendable(db: Database, events: HookEvent[], now: Date, staleHours: number): Promise<HookEvent[]> {
  const failed = events.filter((e) => !eventSucceeded(e));
  const keys = failed.map(eventIdempotencyKey).filter((k): k is string => k !== null);
  const seen = new Set(await recordedIdempotencyKeys(db, keys));
  return failed
    .filter((e) => {
      const key = eventIdempotencyKey(e);
      if (!key || seen.has(key)) return false;
      const at = eventTime(e);
      if (at !== null && now.getTime() - at > staleHours * 3_600_000) return false;
      const header = e.request_headers["X-Gitlab-Event"] ?? e.request_headers["x-gitlab-event"] ?? null;
      const kind = eventKindForHeader(header);
      const parsed = kind ? parseWebhookEvent(kind, e.request_data) : null;
      return parsed?.ok === true && decide(parsed.event, { eventUuid: null }).action === "trigger";
    })
    .sort((a, b) => a.id - b.id);
}

async function resendFailed(db: Database, session: HookSession, owner: HookOwner, hookId: number, now: Date, staleHours: number): Promise<number> {
  let events: HookEvent[];
  try {
    events = await session.call((api) => collectPages((cursor: Cursor) => hookEventsPage(api, owner, hookId, cursor), MAX_EVENT_PAGES));
  } catch (err) {
    // GitLab before 17.3 has no events API (404); the sweep covers those versions.
    if (err instanceof GitLabError && (err.kind === "not_found" || err.kind === "forbidden")) return 0;
    if (err instanceof GitLabError && err.kind === "server_error" && /pages after/.test(err.message)) return 0;
    throw err;
  }
  let resent = 0;
  for (const event of (await resendable(db, events, now, staleHours)).slice(0, RESENDS_PER_MINUTE)) {
    const result = await session.call((api) => resendHookEvent(api, owner, hookId, event.id));
    if (result.sent) {
      if (result.status !== null && result.status >= 200 && result.status < 300) resent++;
      continue;
    }
    log.info("a missed delivery could not be resent", { hookId, eventId: event.id, reason: result.reason, message: result.message });
    // The rest waits for the next pass (or the sweep finds it now).
    if (result.reason === "rate_limited" || result.reason === "hook_disabled") break;
  }
  return resent;
}

const describe = (err: unknown): string => {
  if (err instanceof NeedsReauthError) return "the account that installed the webhook must reconnect GitLab";
  if (err instanceof GitLabError) return err.message;
  return err instanceof Error ? err.message : String(err);
};

export async function recoverInstallation(handle: DbHandle, installation: WebhookInstallation, opts: RecoveryOptions): Promise<RecoveryResult> {
  const now = opts.now?.() ?? new Date();
  const out: RecoveryResult = { installationId: installation.id, reenabled: false, resent: 0, recovered: 0, stale: 0, error: null, gitlabDown: false };
  const hookId = installation.gitlabHookId;
  const owner: HookOwner = { kind: installation.resourceType, id: installation.resourceId };
  const { db } = handle;
  try {
    if (!installation.installedBy || hookId === null) throw new Error("no account can manage this webhook");
    const session = await openHookSession(db, installation.installedBy, { oauth: opts.oauth, maxWaitSeconds: opts.maxWaitSeconds ?? 10 });
    const enable = await reEnable(session, owner, hookId);
    if (enable.reenabled) {
      out.reenabled = true;
      await markReenabled(db, installation.id, now);
      log.info("webhook re-enabled after GitLab disabled it", { installationId: installation.id, hookId });
    } else if (enable.wasDisabled) {
      out.error = "GitLab disabled the webhook and the test request that re-enables it did not succeed";
    }
    if (!enable.wasDisabled || enable.reenabled) out.resent = await resendFailed(db, session, owner, hookId, now, opts.staleHours);
    const notice = await postingIdentity(db, { botToken: opts.botToken, oauth: opts.oauth }, { userId: installation.installedBy, gitlabUserId: null }, { baseUrl: session.baseUrl });
    const swept = await session.call((api: GitLabApi) =>
      sweepInstallation(handle, api, installation, { since: sweepSince(installation, now), now, staleHours: opts.staleHours, noticeApi: notice.api }),
    );
    out.recovered = out.resent + swept.recovered;
    out.stale = swept.stale;
    await markRecoveryRan(db, installation.id, now, out.recovered, out.error);
  } catch (err) {
    out.error = describe(err);
    out.gitlabDown = err instanceof GitLabError && (err.kind === "unreachable" || err.kind === "server_error");
    log.warn("webhook recovery failed", { installationId: installation.id, error: out.error });
    await markRecoveryFailed(db, installation.id, now, out.error.slice(0, 500));
  }
  return out;
}

/** Every installed hook of the instance, one after another (each is a handful of GitLab calls). */
export async function recoverAll(handle: DbHandle, baseUrl: string, opts: RecoveryOptions): Promise<RecoveryResult[]> {
  const rows = await listInstalledHooks(handle.db, baseUrl);
  const results: RecoveryResult[] = [];
  for (const row of rows) results.push(await recoverInstallation(handle, row, opts));
  return results;
}
