import type { InstallationStatus, ResourceType, WebhookInstallation } from "@/db/schema";
import { accessLevelName } from "@/lib/gitlab/groups";
import { fallbackNote } from "./fallback";
import { toRecoveryInfo, type RecoveryInfo } from "./recovery-view";
import type { HookResource } from "./resources";
import { requiredLevel } from "./settings";

/** One row of the webhook table as the API returns it (snake_case, like the rest of the API). */
export interface WebhookRow {
  resource_type: ResourceType;
  resource_id: number;
  name: string;
  full_path: string;
  web_url: string;
  access_level: number;
  role: string;
  /** the user may install here (and this resource is not covered by an ancestor's hook) */
  can_manage: boolean;
  status: InstallationStatus;
  /** why it failed, shown under the badge */
  error: string | null;
  http_status: number | null;
  failed_at: string | null;
  /** GitLab's own state of the hook: executable | temporarily_disabled | disabled */
  alert_status: string | null;
  disabled_until: string | null;
  /** extra context: free-tier fallback, or coverage by an ancestor group */
  note: string | null;
  covered_by: string | null;
  covered_projects: number | null;
  installation_id: string | null;
  hook_id: number | null;
  checked_at: string | null;
  /** issue 18: "review new merge requests" is on for this resource (its own setting) */
  auto_review: boolean;
  /** missed deliveries recovered, re-enabling, last run (lib/webhook-installations/recovery.ts); null before any install */
  recovery: RecoveryInfo | null;
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function noAccessMessage(type: ResourceType, level: number): string {
  const role = type === "group" ? "the Owner role on this group" : "the Maintainer or Owner role on this project";
  return `Needs ${role} to install the webhook (you have ${accessLevelName(level)}).`;
}

/** Status of a free-tier group from its project hooks, after their live check. */
function fallbackStatus(children: WebhookInstallation[]): { status: InstallationStatus; error: string | null; httpStatus: number | null; covered: number } {
  const covered = children.filter((c) => c.status === "installed").length;
  const failed = children.find((c) => c.status === "failed");
  if (failed) return { status: "failed", error: `${fallbackNote(covered)}; ${failed.resourcePath}: ${failed.error ?? "installation failed"}`, httpStatus: failed.httpStatus, covered };
  const missing = children.some((c) => c.status === "not_installed");
  return { status: covered > 0 && !missing ? "installed" : "not_installed", error: null, httpStatus: null, covered };
}

export function toWebhookRow(
  r: HookResource,
  own: WebhookInstallation | null,
  cover: { path: string; row: WebhookInstallation | null } | null,
  fallbackChildren: WebhookInstallation[],
): WebhookRow {
  const needed = requiredLevel(r.type);
  const source = cover ? cover.row : own;
  let status: InstallationStatus = source?.status ?? "not_installed";
  let error = source?.error ?? null;
  let httpStatus = source?.httpStatus ?? null;
  let note: string | null = null;
  let coveredProjects = source?.coveredProjects ?? null;
  if (coveredProjects !== null && source) {
    const fb = fallbackStatus(fallbackChildren);
    // A fallback that could not even list the group's projects has no children: keep its own error.
    if (fallbackChildren.length > 0 || source.status !== "failed") ({ status, error, httpStatus } = fb);
    coveredProjects = fb.covered;
    note = fallbackNote(fb.covered);
  }
  if (cover) note = `Covered by the webhook on ${cover.path}${note ? ` (${note})` : ""}.`;
  const canManage = !cover && r.accessLevel >= needed;
  if (!cover && !canManage && status !== "installed") {
    status = "failed";
    error = noAccessMessage(r.type, r.accessLevel);
    httpStatus = null;
  }
  return {
    resource_type: r.type,
    resource_id: r.id,
    name: r.name,
    full_path: r.fullPath,
    web_url: r.webUrl,
    access_level: r.accessLevel,
    role: accessLevelName(r.accessLevel),
    can_manage: canManage,
    status,
    error: status === "installed" ? null : error,
    http_status: status === "installed" ? null : httpStatus,
    failed_at: status === "failed" ? iso(source?.failedAt) : null,
    alert_status: status === "installed" ? (source?.alertStatus ?? null) : null,
    disabled_until: status === "installed" ? iso(source?.disabledUntil) : null,
    note,
    covered_by: cover?.path ?? null,
    covered_projects: coveredProjects,
    installation_id: own?.id ?? null,
    hook_id: own?.gitlabHookId ?? null,
    checked_at: iso(source?.checkedAt),
    auto_review: own?.autoReviewBy != null,
    recovery: status === "installed" ? toRecoveryInfo(source) : null,
  };
}
