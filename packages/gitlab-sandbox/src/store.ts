// In-memory state of the GitLab sandbox. Plain records plus the lookup maps the hot paths need
// (token → owner, path → project); everything else is a scan, which is fine at sandbox sizes.
import type { CommitInfo } from "./git-repo";

export type Tier = "free" | "premium" | "ultimate";
export type Visibility = "private" | "internal" | "public";

/** GitLab access levels (Gitlab::Access). */
export const ACCESS = { none: 0, minimal: 5, guest: 10, planner: 15, reporter: 20, developer: 30, maintainer: 40, owner: 50 } as const;

export interface User {
  id: number; username: string; name: string; email: string; publicEmail: string; password: string;
  state: "active" | "blocked"; bot: boolean; pronouns: string | null; admin: boolean; createdAt: number; namespaceId: number; lastActivityAt: number;
}

export interface PersonalAccessToken {
  id: number; userId: number; name: string; token: string; scopes: string[]; createdAt: number;
  expiresAt: string | null; revoked: boolean; lastUsedAt: number | null;
}

export interface Membership { userId: number; accessLevel: number; createdAt: number; createdById: number | null; expiresAt: string | null }

export interface Group {
  id: number; name: string; path: string; fullPath: string; fullName: string; parentId: number | null; tier: Tier;
  visibility: Visibility; description: string; createdAt: number; members: Map<number, Membership>;
}

export type NamespaceRef = { kind: "user"; id: number; userId: number } | { kind: "group"; id: number };

/** A resource label event (label-events.ts records them; GitLab's resource_label_events). */
export interface LabelEvent {
  id: number;
  resourceType: "Issue" | "MergeRequest";
  /** the issue's or merge request's global id (GitLab's `resource_id`) */
  resourceId: number;
  userId: number;
  labelId: number;
  action: "add" | "remove";
  createdAt: number;
}

export interface Label { id: number; title: string; color: string; description: string | null; projectId: number; createdAt: number; updatedAt: number }

export interface RepoState {
  dir: string;
  /** Files for the initial commit; the bare repo is created lazily on first git access (fast seeding). */
  initialFiles: Record<string, string>;
  ready: boolean;
  creating: Promise<void> | null;
}

export interface Project {
  id: number; name: string; path: string; namespace: NamespaceRef; fullPath: string; nameWithNamespace: string;
  description: string; visibility: Visibility; defaultBranch: string; createdAt: number; updatedAt: number;
  lastActivityAt: number; creatorId: number; members: Map<number, Membership>; repo: RepoState; topics: string[];
  nextIssueIid: number; nextMrIid: number; labels: Map<string, Label>; issues: Map<number, Issue>; mergeRequests: Map<number, MergeRequest>;
  /** Whether the repository has any commit, so `empty_repo` needs no git call. */
  hasCommits: boolean;
  /** The parent of a fork (`forked_from_project`); its repository starts as a copy of the parent's. */
  forkedFromId?: number | null;
}

export interface Issue {
  id: number; iid: number; projectId: number; title: string; description: string; state: "opened" | "closed";
  labels: string[]; authorId: number; assigneeIds: number[]; confidential: boolean; discussionLocked: boolean | null;
  createdAt: number; updatedAt: number; closedAt: number | null; closedById: number | null; updatedById: number | null;
  lastEditedAt: number | null; lastEditedById: number | null; relativePosition: number; discussionIds: string[];
}

export interface MergeRequest {
  id: number; iid: number; projectId: number; title: string; description: string; state: "opened" | "closed" | "merged";
  sourceBranch: string; targetBranch: string; authorId: number; assigneeIds: number[]; reviewerIds: number[]; labels: string[];
  draft: boolean; createdAt: number; updatedAt: number; updatedById: number | null; lastEditedAt: number | null; lastEditedById: number | null;
  closedAt: number | null; closedById: number | null; preparedAt: number; removeSourceBranch: boolean; squash: boolean;
  /** The project holding the source branch: a fork's id for MRs opened from a fork, else projectId. */
  sourceProjectId: number;
  /** allow_collaboration: members who can merge to the target may push to a fork's source branch. */
  allowCollaboration: boolean;
  /** diff_refs and the source head, refreshed on push. */
  baseSha: string | null; startSha: string | null; headSha: string | null; lastCommit: CommitInfo | null; changesCount: number;
  discussionIds: string[];
  /** Diff versions (GET …/versions), oldest first: one per distinct (base, start, head), like merge_request_diffs. */
  versions: MrVersion[];
}

export interface MrVersion { id: number; baseSha: string; startSha: string; headSha: string; createdAt: number }

export type NoteableType = "Issue" | "MergeRequest";

export interface DiffPosition {
  base_sha: string; start_sha: string; head_sha: string; old_path: string; new_path: string; position_type: "text";
  old_line: number | null; new_line: number | null; line_range: null;
}

export interface Note {
  id: number; projectId: number; noteableType: NoteableType; noteableId: number; noteableIid: number; discussionId: string;
  authorId: number; body: string; system: boolean; internal: boolean; createdAt: number; updatedAt: number;
  type: null | "DiscussionNote" | "DiffNote"; position: DiffPosition | null; resolved: boolean; resolvedById: number | null; resolvedAt: number | null;
}

export interface Discussion { id: string; projectId: number; noteableType: NoteableType; noteableId: number; individualNote: boolean; noteIds: number[] }

export interface AwardEmoji { id: number; name: string; userId: number; awardableType: "Note" | "Issue"; awardableId: number; createdAt: number; updatedAt: number }

export const HOOK_EVENT_FLAGS = [
  "push_events", "tag_push_events", "issues_events", "confidential_issues_events", "merge_requests_events", "note_events",
  "confidential_note_events", "job_events", "pipeline_events", "wiki_page_events", "deployment_events", "feature_flag_events",
  "releases_events", "emoji_events", "resource_access_token_events", "repository_update_events", "milestone_events",
  "subgroup_events", "member_events", "project_events", "vulnerability_events", "resource_deploy_token_events",
] as const;
export type HookEventFlag = (typeof HOOK_EVENT_FLAGS)[number];

export interface Hook {
  id: number; kind: "project" | "group"; projectId: number | null; groupId: number | null; url: string; name: string; description: string;
  token: string | null; events: Record<HookEventFlag, boolean>; pushEventsBranchFilter: string | null; branchFilterStrategy: "wildcard" | "regex" | "all_branches";
  enableSslVerification: boolean; customWebhookTemplate: string | null; customHeaders: { key: string; value: string }[];
  urlVariables: { key: string; value: string }[]; createdAt: number;
  /** WebHooks::AutoDisabling state. */
  recentFailures: number; backoffCount: number; disabledUntil: number | null;
}

export interface OAuthApplication { id: number; uid: string; secret: string; name: string; redirectUris: string[]; scopes: string[]; trusted: boolean; confidential: boolean; ownerId: number | null }

export interface OAuthGrant { code: string; appId: number; userId: number; redirectUri: string; scopes: string[]; codeChallenge: string | null; codeChallengeMethod: "S256" | "plain" | null; expiresAt: number; used: boolean }

export interface OAuthToken {
  id: number; accessToken: string; refreshToken: string; appId: number; userId: number; scopes: string[];
  createdAt: number; expiresInSeconds: number; revokedAt: number | null;
  /** Set when the token was forced to expire through the control API. */
  expiredOverride: boolean;
}

export interface WebSession { id: string; userId: number; createdAt: number }

const ID_BASES = { user: 1, namespace: 1000, project: 5000, issue: 100_000, mergeRequest: 200_000, mrVersion: 400_000, note: 300_000, hook: 1, label: 1, award: 1, token: 1, app: 1, pat: 1, delivery: 1, labelEvent: 1 } as const;
type IdKind = keyof typeof ID_BASES;

export class Store {
  users = new Map<number, User>();
  usersByUsername = new Map<string, User>();
  pats = new Map<number, PersonalAccessToken>();
  patsByToken = new Map<string, PersonalAccessToken>();
  groups = new Map<number, Group>();
  projects = new Map<number, Project>();
  /** Lower-cased full paths of groups, user namespaces and projects. */
  groupsByPath = new Map<string, Group>();
  projectsByPath = new Map<string, Project>();
  issues = new Map<number, Issue>();
  mergeRequests = new Map<number, MergeRequest>();
  notes = new Map<number, Note>();
  discussions = new Map<string, Discussion>();
  /** who added or removed which label (label-events.ts) */
  labelEvents = new Map<number, LabelEvent>();
  awards = new Map<number, AwardEmoji>();
  hooks = new Map<number, Hook>();
  apps = new Map<number, OAuthApplication>();
  appsByUid = new Map<string, OAuthApplication>();
  grants = new Map<string, OAuthGrant>();
  tokensByAccess = new Map<string, OAuthToken>();
  tokensByRefresh = new Map<string, OAuthToken>();
  sessions = new Map<string, WebSession>();
  private seq = new Map<IdKind, number>();

  nextId(kind: IdKind): number {
    const n = this.seq.get(kind) ?? ID_BASES[kind];
    this.seq.set(kind, n + 1);
    return n;
  }

  clear(): void {
    for (const value of Object.values(this)) if (value instanceof Map) value.clear();
  }

  userByLogin(login: string): User | undefined {
    const lower = login.toLowerCase();
    return this.usersByUsername.get(lower) ?? [...this.users.values()].find((u) => u.email.toLowerCase() === lower);
  }

  addUser(user: User): void {
    this.users.set(user.id, user);
    this.usersByUsername.set(user.username.toLowerCase(), user);
  }

  addGroup(group: Group): void {
    this.groups.set(group.id, group);
    this.groupsByPath.set(group.fullPath.toLowerCase(), group);
  }

  addProject(project: Project): void {
    this.projects.set(project.id, project);
    this.projectsByPath.set(project.fullPath.toLowerCase(), project);
  }

  /** `:id` of the REST API: a numeric id or a URL-decoded full path. */
  findProject(idOrPath: string): Project | undefined {
    return /^\d+$/.test(idOrPath) ? this.projects.get(Number(idOrPath)) : this.projectsByPath.get(idOrPath.toLowerCase());
  }

  findGroup(idOrPath: string): Group | undefined {
    return /^\d+$/.test(idOrPath) ? this.groups.get(Number(idOrPath)) : this.groupsByPath.get(idOrPath.toLowerCase());
  }

  namespaceInfo(ref: NamespaceRef): { id: number; name: string; path: string; fullPath: string; kind: "user" | "group"; parentId: number | null } {
    if (ref.kind === "group") {
      const g = this.groups.get(ref.id);
      if (!g) throw new Error(`unknown group ${ref.id}`);
      return { id: g.id, name: g.name, path: g.path, fullPath: g.fullPath, kind: "group", parentId: g.parentId };
    }
    const u = this.users.get(ref.userId);
    if (!u) throw new Error(`unknown user ${ref.userId}`);
    return { id: ref.id, name: u.name, path: u.username, fullPath: u.username, kind: "user", parentId: null };
  }

  notesOf(noteableType: NoteableType, discussionIds: string[]): Note[] {
    const out: Note[] = [];
    for (const did of discussionIds) {
      const d = this.discussions.get(did);
      if (!d || d.noteableType !== noteableType) continue;
      for (const nid of d.noteIds) {
        const n = this.notes.get(nid);
        if (n) out.push(n);
      }
    }
    return out;
  }
}
