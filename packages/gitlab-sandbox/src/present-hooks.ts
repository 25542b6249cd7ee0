// Hook entities (API::Entities::ProjectHook / GroupHook). `token` and custom header values are
// write-only, so they never appear here.
import { iso } from "./format";
import type { Hook } from "./store";

/** WebHooks::AutoDisabling#alert_status. */
export function alertStatus(hook: Hook, now = Date.now()): "executable" | "temporarily_disabled" | "disabled" {
  if (hook.recentFailures > 39) return "disabled";
  if (hook.recentFailures > 3 && hook.disabledUntil !== null && hook.disabledUntil >= now) return "temporarily_disabled";
  return "executable";
}

export function hookEntity(hook: Hook): Record<string, unknown> {
  const e = hook.events;
  const common = {
    id: hook.id, url: hook.url, name: hook.name, description: hook.description, created_at: iso(hook.createdAt),
    push_events: e.push_events, tag_push_events: e.tag_push_events, merge_requests_events: e.merge_requests_events,
    repository_update_events: e.repository_update_events, enable_ssl_verification: hook.enableSslVerification,
    alert_status: alertStatus(hook), disabled_until: hook.disabledUntil === null ? null : iso(hook.disabledUntil),
    url_variables: hook.urlVariables.map((v) => ({ key: v.key })), push_events_branch_filter: hook.pushEventsBranchFilter ?? "",
    branch_filter_strategy: hook.branchFilterStrategy, custom_webhook_template: hook.customWebhookTemplate,
    custom_headers: hook.customHeaders.map((h) => ({ key: h.key })),
  };
  const events = {
    issues_events: e.issues_events, confidential_issues_events: e.confidential_issues_events, note_events: e.note_events,
    confidential_note_events: e.confidential_note_events, pipeline_events: e.pipeline_events, wiki_page_events: e.wiki_page_events,
    job_events: e.job_events, deployment_events: e.deployment_events, feature_flag_events: e.feature_flag_events,
    releases_events: e.releases_events, milestone_events: e.milestone_events, emoji_events: e.emoji_events,
    resource_access_token_events: e.resource_access_token_events, vulnerability_events: e.vulnerability_events,
  };
  if (hook.kind === "project") {
    return { ...common, project_id: hook.projectId, ...events, resource_deploy_token_events: e.resource_deploy_token_events };
  }
  return { ...common, group_id: hook.groupId, ...events, subgroup_events: e.subgroup_events, member_events: e.member_events, project_events: e.project_events };
}
