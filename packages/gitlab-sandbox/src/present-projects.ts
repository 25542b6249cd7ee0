// Project, namespace and group entities (API::Entities::Project, BasicProjectDetails, Group) and the
// project objects embedded in webhook payloads.
import { projectDirectAccess, projectGroupAccess, groupAccess } from "./access";
import type { App } from "./context";
import { gravatar, iso, VISIBILITY_LEVEL } from "./format";
import type { Group, Project, User } from "./store";
import { userBasic } from "./present-users";

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function projectWebUrl(app: App, p: Project): string {
  return `${app.baseUrl}/${p.fullPath}`;
}

function sshHost(app: App): string {
  return new URL(app.baseUrl).hostname;
}

export function projectUrls(app: App, p: Project): { web: string; http: string; ssh: string } {
  return { web: projectWebUrl(app, p), http: `${app.baseUrl}/${p.fullPath}.git`, ssh: `git@${sshHost(app)}:${p.fullPath}.git` };
}

export function groupWebUrl(app: App, g: Group): string {
  return `${app.baseUrl}/groups/${g.fullPath}`;
}

export function namespaceEntity(app: App, p: Project): Record<string, unknown> {
  const ns = app.store.namespaceInfo(p.namespace);
  const owner = p.namespace.kind === "user" ? app.store.users.get(p.namespace.userId) : undefined;
  return {
    id: ns.id, name: ns.name, path: ns.path, kind: ns.kind, full_path: ns.fullPath, parent_id: ns.parentId,
    avatar_url: owner ? gravatar(owner.email) : null,
    web_url: ns.kind === "group" ? `${app.baseUrl}/groups/${ns.fullPath}` : `${app.baseUrl}/${ns.fullPath}`,
  };
}

/**
 * `permissions` of ProjectWithAccess. In lists GitLab only looks at direct memberships of the
 * immediate namespace group; the single-project endpoint uses the highest ancestor membership.
 */
function permissions(app: App, p: Project, user: User, single: boolean): Record<string, unknown> {
  const direct = projectDirectAccess(p, user.id);
  let group = 0;
  if (p.namespace.kind === "group") {
    const g = app.store.groups.get(p.namespace.id);
    if (g) group = single ? projectGroupAccess(app.store, user.id, p) : g.members.get(user.id)?.accessLevel ?? 0;
  }
  const entry = (level: number): Record<string, number> | null => (level > 0 ? { access_level: level, notification_level: 3 } : null);
  return { project_access: entry(direct), group_access: entry(group) };
}

function readmeUrl(app: App, p: Project): string | null {
  const readme = Object.keys(p.repo.initialFiles).find((f) => /^readme(\.\w+)?$/i.test(f));
  return readme ? `${projectWebUrl(app, p)}/-/blob/${p.defaultBranch}/${readme}` : null;
}

export function projectSimple(app: App, p: Project): Record<string, unknown> {
  const urls = projectUrls(app, p);
  return {
    id: p.id, description: p.description, name: p.name, name_with_namespace: p.nameWithNamespace, path: p.path,
    path_with_namespace: p.fullPath, created_at: iso(p.createdAt), default_branch: p.defaultBranch, tag_list: p.topics, topics: p.topics,
    ssh_url_to_repo: urls.ssh, http_url_to_repo: urls.http, web_url: urls.web, readme_url: readmeUrl(app, p), forks_count: 0,
    avatar_url: null, star_count: 0, last_activity_at: iso(p.lastActivityAt), visibility: p.visibility, namespace: namespaceEntity(app, p),
  };
}

export function projectEntity(app: App, p: Project, user: User | null, single: boolean): Record<string, unknown> {
  const base = projectSimple(app, p);
  const api = `${app.baseUrl}/api/v4/projects/${p.id}`;
  const owner = p.namespace.kind === "user" ? app.store.users.get(p.namespace.userId) : undefined;
  let openIssues = 0;
  for (const i of p.issues.values()) if (i.state === "opened") openIssues++;
  const parent = p.forkedFromId ? app.store.projects.get(p.forkedFromId) : undefined;
  return {
    ...base,
    ...(parent ? { forked_from_project: projectSimple(app, parent) } : {}),
    description_html: p.description ? `<p data-sourcepos="1:1-1:${p.description.length}" dir="auto">${escapeHtml(p.description)}</p>` : "",
    updated_at: iso(p.updatedAt),
    container_registry_image_prefix: `registry.${sshHost(app)}/${p.fullPath.toLowerCase()}`,
    _links: {
      self: api, issues: `${api}/issues`, merge_requests: `${api}/merge_requests`, repo_branches: `${api}/repository/branches`,
      labels: `${api}/labels`, events: `${api}/events`, members: `${api}/members`, cluster_agents: `${api}/cluster_agents`,
    },
    packages_enabled: true, package_registry_access_level: "enabled", empty_repo: !p.hasCommits, archived: false,
    ...(owner ? { owner: userBasic(app, owner) } : {}),
    resolve_outdated_diff_discussions: false,
    container_expiration_policy: { cadence: "1d", enabled: false, keep_n: 10, older_than: "90d", name_regex: ".*", name_regex_keep: null, next_run_at: iso(p.createdAt + 86_400_000) },
    repository_object_format: "sha1", issues_enabled: true, merge_requests_enabled: true, wiki_enabled: true, jobs_enabled: true,
    snippets_enabled: true, container_registry_enabled: true, service_desk_enabled: false, service_desk_address: null, can_create_merge_request_in: user !== null,
    issues_access_level: "enabled", repository_access_level: "enabled", merge_requests_access_level: "enabled", forking_access_level: "enabled",
    wiki_access_level: "enabled", builds_access_level: "enabled", snippets_access_level: "enabled", pages_access_level: p.visibility === "public" ? "enabled" : "private",
    analytics_access_level: "enabled", container_registry_access_level: "enabled", security_and_compliance_access_level: "private",
    releases_access_level: "enabled", environments_access_level: "enabled", feature_flags_access_level: "enabled",
    infrastructure_access_level: "enabled", monitor_access_level: "enabled", model_experiments_access_level: "enabled", model_registry_access_level: "enabled",
    emails_disabled: false, emails_enabled: true, shared_runners_enabled: true, lfs_enabled: true, creator_id: p.creatorId,
    import_url: null, import_type: null, import_status: "none", import_error: null, open_issues_count: openIssues,
    ci_default_git_depth: 20, ci_delete_pipelines_in_seconds: null, ci_forward_deployment_enabled: true, ci_forward_deployment_rollback_allowed: true,
    ci_job_token_scope_enabled: false, ci_separated_caches: true, ci_allow_fork_pipelines_to_run_in_parent_project: true,
    ci_id_token_sub_claim_components: ["project_path", "ref_type", "ref"], build_git_strategy: "fetch", keep_latest_artifact: true,
    restrict_user_defined_variables: true, ci_pipeline_variables_minimum_override_role: "developer", runner_token_expiration_interval: null,
    group_runners_enabled: true, auto_cancel_pending_pipelines: "enabled", build_timeout: 3600, auto_devops_enabled: false,
    auto_devops_deploy_strategy: "continuous", ci_push_repository_for_job_token_allowed: false, ci_config_path: "",
    public_jobs: true, shared_with_groups: [], only_allow_merge_if_pipeline_succeeds: false, allow_merge_on_skipped_pipeline: null,
    allow_pipeline_trigger_approve_deployment: false, request_access_enabled: true,
    only_allow_merge_if_all_discussions_are_resolved: false, remove_source_branch_after_merge: true,
    printing_merge_request_link_enabled: true, merge_method: "merge", merge_request_title_regex: null, squash_option: "default_off",
    enforce_auth_checks_on_uploads: true, suggestion_commit_message: null, merge_commit_template: null, squash_commit_template: null,
    issue_branch_template: null, warn_about_potentially_unwanted_characters: true, autoclose_referenced_issues: true,
    max_artifacts_size: null, ci_restrict_pipeline_cancellation_role: "developer", external_authorization_classification_label: "",
    requirements_enabled: false, requirements_access_level: "enabled", security_and_compliance_enabled: false,
    secret_push_protection_enabled: false, compliance_frameworks: [], mr_default_target_self: false,
    ...(user ? { permissions: permissions(app, p, user, single) } : {}),
  };
}

/** Project object of webhook payloads (Project#hook_attrs). */
export function hookProject(app: App, p: Project): Record<string, unknown> {
  const urls = projectUrls(app, p);
  const ns = app.store.namespaceInfo(p.namespace);
  return {
    id: p.id, name: p.name, description: p.description, web_url: urls.web, avatar_url: null, git_ssh_url: urls.ssh, git_http_url: urls.http,
    namespace: ns.name, visibility_level: VISIBILITY_LEVEL[p.visibility], path_with_namespace: p.fullPath, default_branch: p.defaultBranch,
    ci_config_path: null, homepage: urls.web, url: urls.ssh, ssh_url: urls.ssh, http_url: urls.http,
  };
}

export function hookRepository(app: App, p: Project): Record<string, unknown> {
  const urls = projectUrls(app, p);
  return { name: p.name, url: urls.ssh, description: p.description, homepage: urls.web };
}

export function groupEntity(app: App, g: Group, user: User | null): Record<string, unknown> {
  const own = user ? groupAccess(app.store, user.id, g) >= 50 : false;
  return {
    id: g.id, web_url: groupWebUrl(app, g), name: g.name, path: g.path, description: g.description, visibility: g.visibility,
    share_with_group_lock: false, require_two_factor_authentication: false, two_factor_grace_period: 48,
    project_creation_level: "developer", auto_devops_enabled: null, subgroup_creation_level: "maintainer",
    emails_disabled: false, emails_enabled: true, mentions_disabled: null, lfs_enabled: true, math_rendering_limits_enabled: true,
    lock_math_rendering_limits_enabled: false, default_branch: null, default_branch_protection: 2,
    default_branch_protection_defaults: { allowed_to_push: [{ access_level: 40 }], allow_force_push: false, allowed_to_merge: [{ access_level: 40 }] },
    avatar_url: null, request_access_enabled: true, repository_storage: "default", full_name: g.fullName, full_path: g.fullPath,
    created_at: iso(g.createdAt), parent_id: g.parentId, organization_id: 1, shared_runners_setting: "enabled",
    max_artifacts_size: null, file_template_project_id: null, ip_restriction_ranges: null, marked_for_deletion_on: null,
    wiki_access_level: "enabled", duo_features_enabled: true, lock_duo_features_enabled: false,
    ...(own ? { ldap_cn: null, ldap_access: null } : {}),
  };
}
