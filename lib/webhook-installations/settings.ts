import type { HookEventFlag, HookSpec } from "@/lib/gitlab/webhooks-api";

/**
 * What our webhook looks like in GitLab. The URL is how we recognise our own hooks (to adopt them
 * instead of adding a second one), so it must be stable: `<APP_URL>/api/gitlab/webhook`.
 */

export const HOOK_PATH = "/api/gitlab/webhook";
export const HOOK_NAME = "OpenHands";
export const HOOK_DESCRIPTION = "Installed and managed by OpenHands for GitLab. Delete it here, then press Reinstall in OpenHands, to repair it.";

/** Issues, confidential issues, comments, confidential comments and merge requests; nothing else. */
export const HOOK_EVENTS: Record<HookEventFlag, boolean> = {
  issues_events: true,
  confidential_issues_events: true,
  note_events: true,
  confidential_note_events: true,
  merge_requests_events: true,
  push_events: false,
};

export const GROUP_OWNER = 50;
export const PROJECT_MAINTAINER = 40;

export function hookUrl(appUrl: string): string {
  return `${appUrl.replace(/\/+$/, "")}${HOOK_PATH}`;
}

/** Scheme and host compare case-insensitively; a trailing slash does not make another hook. */
export function normalizeHookUrl(url: string): string {
  try {
    const u = new URL(url.trim());
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, "")}${u.search}`.toLowerCase();
  } catch {
    return url.trim().replace(/\/+$/, "").toLowerCase();
  }
}

export function isOurHookUrl(candidate: string, ours: string): boolean {
  return normalizeHookUrl(candidate) === normalizeHookUrl(ours);
}

export function hookSpec(appUrl: string, token: string): HookSpec {
  return { url: hookUrl(appUrl), token, name: HOOK_NAME, description: HOOK_DESCRIPTION, events: { ...HOOK_EVENTS } };
}

/** True when a hook sends exactly the events we need with SSL verification on. */
export function hookMatchesSpec(hook: Partial<Record<HookEventFlag | "enable_ssl_verification", boolean | null | undefined>>): boolean {
  if (hook.enable_ssl_verification === false) return false;
  return (Object.entries(HOOK_EVENTS) as [HookEventFlag, boolean][]).every(([flag, wanted]) => hook[flag] === undefined || hook[flag] === null || hook[flag] === wanted);
}

/** The access a resource type needs: Owner on groups, Maintainer on projects (GitLab's own rule). */
export function requiredLevel(type: "group" | "project"): number {
  return type === "group" ? GROUP_OWNER : PROJECT_MAINTAINER;
}

// Cron for "every N minutes": "*/N * * * *" below an hour, "0 */H * * *" for whole hours (env validation refuses the rest).
export function cronForMinutes(minutes: number): string {
  if (minutes < 60) return `*/${minutes} * * * *`;
  const hours = Math.floor(minutes / 60);
  return hours >= 24 ? "0 0 * * *" : `0 */${hours} * * *`;
}
