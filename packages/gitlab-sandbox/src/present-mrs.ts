// Merge request entities (API::Entities::MergeRequest and MergeRequestBasic).
import { projectAccess } from "./access";
import type { App } from "./context";
import { iso, isoOrNull } from "./format";
import { collaborativePushPossible } from "./mr-fork";
import { projectWebUrl } from "./present-projects";
import { userBasic } from "./present-users";
import type { MergeRequest, Project, User } from "./store";

export function mrWebUrl(app: App, project: Project, mr: MergeRequest): string {
  return `${projectWebUrl(app, project)}/-/merge_requests/${mr.iid}`;
}

export function mrEntity(app: App, project: Project, mr: MergeRequest, viewer: User | null, detailed: boolean): Record<string, unknown> {
  const { store } = app;
  const basic = (id: number | null): Record<string, unknown> | null => {
    const u = id === null ? undefined : store.users.get(id);
    return u ? userBasic(app, u) : null;
  };
  const assignees = mr.assigneeIds.map((id) => basic(id)).filter((u) => u !== null);
  const reviewers = mr.reviewerIds.map((id) => basic(id)).filter((u) => u !== null);
  const userNotes = store.notesOf("MergeRequest", mr.discussionIds).filter((n) => !n.system).length;
  const open = mr.state === "opened";
  // MergeRequest#allow_collaboration: the flag, when a collaborative push is possible at all.
  const collaboration = open && mr.allowCollaboration && collaborativePushPossible(app, project, mr);
  const entity: Record<string, unknown> = {
    id: mr.id, iid: mr.iid, project_id: project.id, title: mr.title, description: mr.description, state: mr.state,
    created_at: iso(mr.createdAt), updated_at: iso(mr.updatedAt), merged_by: null, merge_user: null, merged_at: null,
    merge_after: null, prepared_at: iso(mr.preparedAt), closed_by: basic(mr.closedById), closed_at: isoOrNull(mr.closedAt),
    target_branch: mr.targetBranch, source_branch: mr.sourceBranch, user_notes_count: userNotes, upvotes: 0, downvotes: 0,
    author: basic(mr.authorId), assignees, assignee: assignees[0] ?? null, reviewers, source_project_id: mr.sourceProjectId,
    target_project_id: project.id, labels: [...mr.labels], draft: mr.draft, imported: false, imported_from: "none",
    work_in_progress: mr.draft, milestone: null, merge_when_pipeline_succeeds: false,
    merge_status: open ? "can_be_merged" : "cannot_be_merged", detailed_merge_status: open ? "mergeable" : "not_open",
    sha: mr.headSha, merge_commit_sha: null, squash_commit_sha: null, discussion_locked: null,
    should_remove_source_branch: null, force_remove_source_branch: mr.removeSourceBranch,
    allow_collaboration: collaboration, allow_maintainer_to_push: collaboration, reference: `!${mr.iid}`,
    references: { short: `!${mr.iid}`, relative: `!${mr.iid}`, full: `${project.fullPath}!${mr.iid}` },
    web_url: mrWebUrl(app, project, mr),
    time_stats: { time_estimate: 0, total_time_spent: 0, human_time_estimate: null, human_total_time_spent: null },
    squash: mr.squash, squash_on_merge: mr.squash, task_completion_status: { count: 0, completed_count: 0 },
    has_conflicts: false, blocking_discussions_resolved: true, approvals_before_merge: null,
  };
  if (!detailed) return entity;
  const level = viewer ? projectAccess(store, viewer.id, project) : 0;
  return {
    ...entity,
    subscribed: viewer !== null && viewer.id === mr.authorId, changes_count: String(mr.changesCount),
    latest_build_started_at: null, latest_build_finished_at: null, first_deployed_to_production_at: null,
    pipeline: null, head_pipeline: null,
    diff_refs: mr.headSha ? { base_sha: mr.baseSha, head_sha: mr.headSha, start_sha: mr.startSha } : null,
    merge_error: null, first_contribution: false, user: { can_merge: level >= 30 }, diverged_commits_count: 0, rebase_in_progress: false,
  };
}
