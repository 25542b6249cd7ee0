// Merge requests: creation with GitLab's branch validation and duplicate check, edits, and the
// diff_refs refresh after a push to the source branch.
import type { App } from "./context";
import { utcText } from "./format";
import { conflict, unprocessable } from "./http";
import { addSystemNote, labelSystemNote } from "./issue-service";
import { recordLabelEvents } from "./label-events";
import { sourceProjectOf } from "./mr-fork";
import { ensureLabel, hookLabels } from "./present-issues";
import type { MergeRequest, MrVersion, Project, User } from "./store";
import { mrEvent, type BuiltEvent, type Changes } from "./webhook-payloads";

export interface MrCreateInput {
  /** The project holding the source branch when it is not the target (an MR opened from a fork). */
  sourceProject?: Project; allowCollaboration?: boolean;
  sourceBranch: string; targetBranch: string; title: string; description?: string; labels?: string[];
  assigneeIds?: number[]; reviewerIds?: number[]; removeSourceBranch?: boolean; squash?: boolean;
}

const isDraftTitle = (t: string): boolean => /^\s*(\[draft\]|\(draft\)|draft:|draft\s-\s|\[wip\]|wip:)/i.test(t);

/**
 * The ref of the MR's source head in the target repository: the branch itself, or for a fork MR
 * refs/merge-requests/<iid>/head, fetched from the fork first (like GitLab's MR head ref).
 */
async function sourceRefIn(app: App, project: Project, mr: MergeRequest): Promise<string> {
  const source = sourceProjectOf(app, project, mr);
  if (source === project) return mr.sourceBranch;
  const ref = `refs/merge-requests/${mr.iid}/head`;
  await app.repos.fetchInto(project, source, mr.sourceBranch, ref);
  return ref;
}

/** target...source of an MR (commits and diffs), also across a fork. */
export async function compareMergeRequest(app: App, project: Project, mr: MergeRequest): ReturnType<App["repos"]["compare"]> {
  return app.repos.compare(project, mr.targetBranch, await sourceRefIn(app, project, mr));
}

/** Compares target...source and stores diff_refs, the head commit and the change count. */
async function refreshDiff(app: App, project: Project, mr: MergeRequest): Promise<void> {
  const [source, target] = await Promise.all([app.repos.branch(sourceProjectOf(app, project, mr), mr.sourceBranch), app.repos.branch(project, mr.targetBranch)]);
  if (!source || !target) return;
  const cmp = await compareMergeRequest(app, project, mr);
  const oldest = cmp.commits[cmp.commits.length - 1];
  mr.headSha = source.commit.id;
  mr.startSha = target.commit.id;
  mr.baseSha = oldest?.parent_ids[0] ?? target.commit.id;
  mr.lastCommit = source.commit;
  mr.changesCount = cmp.diffs.length;
  // GitLab records a new merge_request_diff (a "version") whenever the refs change.
  const last = mr.versions[mr.versions.length - 1];
  if (!last || last.baseSha !== mr.baseSha || last.startSha !== mr.startSha || last.headSha !== mr.headSha) {
    mr.versions.push({ id: app.store.nextId("mrVersion"), baseSha: mr.baseSha, startSha: mr.startSha, headSha: mr.headSha, createdAt: Date.now() });
  }
}

/**
 * The diffs of one version: base_commit_sha...head_commit_sha. For the newest version the MR's own
 * compare is used (it fetches a fork's head into the target first); older ones compare the SHAs.
 */
export async function versionDiffs(app: App, project: Project, mr: MergeRequest, version: MrVersion): ReturnType<App["repos"]["compare"]> {
  const newest = mr.versions[mr.versions.length - 1];
  if (newest && newest.id === version.id) return compareMergeRequest(app, project, mr);
  return app.repos.compare(project, version.startSha, version.headSha);
}

export async function createMergeRequest(app: App, project: Project, author: User, input: MrCreateInput): Promise<{ mr: MergeRequest; event: BuiltEvent }> {
  const { store } = app;
  const sourceProject = input.sourceProject ?? project;
  if (sourceProject === project && input.sourceBranch === input.targetBranch) throw unprocessable(["You can't use same project/branch for source and target"]);
  const [source, target] = await Promise.all([app.repos.branch(sourceProject, input.sourceBranch), app.repos.branch(project, input.targetBranch)]);
  const errors: string[] = [];
  if (!source) errors.push(`Source branch "${input.sourceBranch}" does not exist`);
  if (!target) errors.push(`Target branch "${input.targetBranch}" does not exist`);
  if (errors.length > 0) throw unprocessable(errors);
  for (const other of project.mergeRequests.values()) {
    if (other.state === "opened" && other.sourceProjectId === sourceProject.id && other.sourceBranch === input.sourceBranch && other.targetBranch === input.targetBranch) {
      throw conflict([`Another open merge request already exists for this source branch: !${other.iid}`]);
    }
  }
  const now = Date.now();
  const labels = [...new Set(input.labels ?? [])];
  for (const l of labels) ensureLabel(store, project, l);
  const mr: MergeRequest = {
    id: store.nextId("mergeRequest"), iid: project.nextMrIid++, projectId: project.id, sourceProjectId: sourceProject.id,
    allowCollaboration: sourceProject !== project && (input.allowCollaboration ?? false), title: input.title, description: input.description ?? "",
    state: "opened", sourceBranch: input.sourceBranch, targetBranch: input.targetBranch, authorId: author.id,
    assigneeIds: input.assigneeIds ?? [], reviewerIds: input.reviewerIds ?? [], labels, draft: isDraftTitle(input.title),
    createdAt: now, updatedAt: now, updatedById: null, lastEditedAt: null, lastEditedById: null, closedAt: null, closedById: null,
    preparedAt: now, removeSourceBranch: input.removeSourceBranch ?? false, squash: input.squash ?? false,
    baseSha: null, startSha: null, headSha: null, lastCommit: null, changesCount: 0, discussionIds: [], versions: [],
  };
  await refreshDiff(app, project, mr);
  project.mergeRequests.set(mr.iid, mr);
  store.mergeRequests.set(mr.id, mr);
  project.lastActivityAt = now;
  const changes: Changes = {
    author_id: { previous: null, current: author.id }, created_at: { previous: null, current: utcText(now) },
    description: { previous: null, current: mr.description }, id: { previous: null, current: mr.id }, iid: { previous: null, current: mr.iid },
    merge_status: { previous: null, current: "unchecked" }, source_branch: { previous: null, current: mr.sourceBranch },
    source_project_id: { previous: null, current: sourceProject.id }, target_branch: { previous: null, current: mr.targetBranch },
    target_project_id: { previous: null, current: project.id }, title: { previous: null, current: mr.title },
    updated_at: { previous: null, current: utcText(now) },
  };
  if (labels.length > 0) changes.labels = { previous: [], current: hookLabels(store, project, labels) };
  recordLabelEvents(app, project, { type: "MergeRequest", id: mr.id }, author, { added: labels, removed: [] }, now);
  return { mr, event: mrEvent(app, project, mr, author, "open", changes) };
}

export interface MrUpdateInput {
  title?: string; description?: string; targetBranch?: string; stateEvent?: "close" | "reopen"; labels?: string[];
  addLabels?: string[]; removeLabels?: string[]; assigneeIds?: number[]; reviewerIds?: number[];
  /** Only meaningful for an MR from a fork. */
  allowCollaboration?: boolean;
}

export async function updateMergeRequest(app: App, project: Project, mr: MergeRequest, actor: User, input: MrUpdateInput): Promise<BuiltEvent | null> {
  const { store } = app;
  const now = Date.now();
  const changes: Changes = {};
  if (input.targetBranch !== undefined && input.targetBranch !== mr.targetBranch) {
    if (!(await app.repos.branch(project, input.targetBranch))) throw unprocessable([`Target branch "${input.targetBranch}" does not exist`]);
    changes.target_branch = { previous: mr.targetBranch, current: input.targetBranch };
    mr.targetBranch = input.targetBranch;
    await refreshDiff(app, project, mr);
  }
  if (input.title !== undefined && input.title !== mr.title) {
    changes.title = { previous: mr.title, current: input.title };
    const draft = isDraftTitle(input.title);
    if (draft !== mr.draft) changes.draft = { previous: mr.draft, current: draft };
    mr.title = input.title;
    mr.draft = draft;
  }
  if (input.description !== undefined && input.description !== mr.description) {
    changes.description = { previous: mr.description, current: input.description };
    mr.description = input.description;
  }
  if (changes.title || changes.description) {
    changes.last_edited_at = { previous: mr.lastEditedAt === null ? null : utcText(mr.lastEditedAt), current: utcText(now) };
    changes.last_edited_by_id = { previous: mr.lastEditedById, current: actor.id };
    mr.lastEditedAt = now;
    mr.lastEditedById = actor.id;
  }
  let labels = input.labels !== undefined ? [...new Set(input.labels)] : [...mr.labels];
  for (const l of input.addLabels ?? []) if (!labels.includes(l)) labels.push(l);
  labels = labels.filter((l) => !(input.removeLabels ?? []).includes(l));
  const added = labels.filter((l) => !mr.labels.includes(l));
  const removed = mr.labels.filter((l) => !labels.includes(l));
  if (added.length > 0 || removed.length > 0) {
    for (const l of labels) ensureLabel(store, project, l);
    changes.labels = { previous: hookLabels(store, project, mr.labels), current: hookLabels(store, project, labels) };
    mr.labels = labels;
    recordLabelEvents(app, project, { type: "MergeRequest", id: mr.id }, actor, { added, removed }, now);
    const body = labelSystemNote(app, project, added, removed);
    if (body) addSystemNote(app, project, "MergeRequest", mr, actor, body, now);
  }
  if (input.assigneeIds !== undefined) mr.assigneeIds = [...input.assigneeIds];
  if (input.reviewerIds !== undefined) mr.reviewerIds = [...input.reviewerIds];
  const collaboration = input.allowCollaboration !== undefined && mr.sourceProjectId !== project.id && input.allowCollaboration !== mr.allowCollaboration;
  if (collaboration) mr.allowCollaboration = input.allowCollaboration!;
  let action: "update" | "close" | "reopen" = "update";
  if (input.stateEvent === "close" && mr.state === "opened") {
    action = "close";
    changes.state_id = { previous: 1, current: 2 };
    mr.state = "closed";
    mr.closedAt = now;
    mr.closedById = actor.id;
    addSystemNote(app, project, "MergeRequest", mr, actor, "closed", now);
  } else if (input.stateEvent === "reopen" && mr.state === "closed") {
    action = "reopen";
    changes.state_id = { previous: 2, current: 1 };
    mr.state = "opened";
    mr.closedAt = null;
    mr.closedById = null;
    addSystemNote(app, project, "MergeRequest", mr, actor, "reopened", now);
  }
  if (Object.keys(changes).length === 0 && input.assigneeIds === undefined && input.reviewerIds === undefined && !collaboration) return null;
  changes.updated_at = { previous: utcText(mr.updatedAt), current: utcText(now) };
  if (mr.updatedById !== actor.id) changes.updated_by_id = { previous: mr.updatedById, current: actor.id };
  mr.updatedAt = now;
  mr.updatedById = actor.id;
  return mrEvent(app, project, mr, actor, action, changes);
}

/**
 * After a push: open MRs whose source branch moved (in this project, or MRs from this fork into its
 * parent) get new diff_refs and a Merge Request Hook (`update` with `oldrev`) in their target project.
 */
export async function refreshAfterPush(app: App, project: Project, pusher: User, branches: Map<string, string>): Promise<{ mr: MergeRequest; target: Project; event: BuiltEvent }[]> {
  const out: { mr: MergeRequest; target: Project; event: BuiltEvent }[] = [];
  for (const mr of app.store.mergeRequests.values()) {
    if (mr.sourceProjectId !== project.id || mr.state !== "opened" || !branches.has(mr.sourceBranch)) continue;
    const target = app.store.projects.get(mr.projectId);
    if (!target) continue;
    const oldrev = mr.headSha;
    await refreshDiff(app, target, mr);
    mr.updatedAt = Date.now();
    const event = mrEvent(app, target, mr, pusher, "update", { updated_at: { previous: null, current: utcText(mr.updatedAt) } });
    (event.payload.object_attributes as Record<string, unknown>).oldrev = oldrev;
    out.push({ mr, target, event });
  }
  return out;
}
