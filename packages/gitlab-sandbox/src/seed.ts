// Seeding: users (with personal access tokens), groups (tier, parent, members), projects (namespace,
// files, members, issues) and OAuth applications. Returns the input with ids and secrets filled in.
// Seeding adds to existing state and can be called repeatedly; it fires no webhooks.
import { z } from "zod";
import type { App } from "./context";
import { hex } from "./format";
import { createIssue } from "./issue-service";
import { ensureLabel } from "./present-issues";
import { projectWebUrl } from "./present-projects";
import { ACCESS, type Group, type Membership, type Project, type User } from "./store";

const Member = z.object({ username: z.string(), access_level: z.number().int() });
const Visibility = z.enum(["private", "internal", "public"]);

export const SeedSchema = z.object({
  users: z.array(z.object({
    username: z.string().regex(/^[A-Za-z0-9_.-]+$/), name: z.string().optional(), email: z.string().optional(),
    password: z.string().optional(), public_email: z.string().optional(), pronouns: z.string().optional(),
    admin: z.boolean().optional(), bot: z.boolean().optional(),
    personal_access_tokens: z.array(z.object({ name: z.string(), scopes: z.array(z.string()), expires_at: z.string().nullable().optional(), token: z.string().optional() })).optional(),
  })).default([]),
  groups: z.array(z.object({
    path: z.string().regex(/^[A-Za-z0-9_.-]+$/), name: z.string().optional(), tier: z.enum(["free", "premium", "ultimate"]).default("free"),
    parent: z.string().optional(), visibility: Visibility.default("private"), description: z.string().optional(), members: z.array(Member).default([]),
  })).default([]),
  projects: z.array(z.object({
    namespace: z.string(), path: z.string().regex(/^[A-Za-z0-9_.-]+$/), name: z.string().optional(), description: z.string().optional(),
    visibility: Visibility.default("private"), default_branch: z.string().default("main"),
    // A fork: the full path of its parent project (seeded before); the repository starts as a copy of the parent's.
    forked_from: z.string().optional(),
    // Undefined values are ignored, so callers can build file maps with optional entries.
    files: z.record(z.string(), z.string().optional()).default({}).transform((f) => Object.fromEntries(Object.entries(f).filter((e): e is [string, string] => e[1] !== undefined))),
    members: z.array(Member).default([]),
    labels: z.array(z.union([z.string(), z.object({ title: z.string(), color: z.string().optional(), description: z.string().optional() })])).default([]), topics: z.array(z.string()).default([]), creator: z.string().optional(),
    issues: z.array(z.object({
      title: z.string(), description: z.string().optional(), labels: z.array(z.string()).optional(), author: z.string().optional(),
      assignees: z.array(z.string()).optional(), confidential: z.boolean().optional(),
    })).default([]),
  })).default([]),
  oauth_applications: z.array(z.object({
    name: z.string(), redirect_uri: z.union([z.string(), z.array(z.string())]), scopes: z.union([z.string(), z.array(z.string())]).default("api"),
    trusted: z.boolean().default(false), confidential: z.boolean().default(true), uid: z.string().optional(), secret: z.string().optional(),
  })).default([]),
});
export type SeedInput = z.input<typeof SeedSchema>;

export interface SeedResult {
  users: { id: number; username: string; name: string; email: string; password: string; personal_access_tokens: { id: number; name: string; scopes: string[]; token: string }[] }[];
  groups: { id: number; path: string; full_path: string; name: string; tier: string; web_url: string }[];
  projects: { id: number; path: string; path_with_namespace: string; name: string; web_url: string; http_url_to_repo: string; default_branch: string; issues: { id: number; iid: number; title: string }[] }[];
  oauth_applications: { id: number; name: string; uid: string; secret: string; redirect_uri: string; scopes: string[]; trusted: boolean; confidential: boolean }[];
}

const titleCase = (s: string): string => s.replace(/[_.-]+/g, " ").replace(/\b\w/g, (c) => c.toUpperCase());

function userOrThrow(app: App, username: string): User {
  const u = app.store.usersByUsername.get(username.toLowerCase());
  if (!u) throw new Error(`seed: unknown user "${username}"`);
  return u;
}

function membership(app: App, m: { username: string; access_level: number }, createdById: number | null, at: number): Membership {
  return { userId: userOrThrow(app, m.username).id, accessLevel: m.access_level, createdAt: at, createdById, expiresAt: null };
}

export async function applySeed(app: App, raw: unknown): Promise<SeedResult> {
  const input = SeedSchema.parse(raw);
  const { store } = app;
  const now = Date.now();
  const result: SeedResult = { users: [], groups: [], projects: [], oauth_applications: [] };

  for (const u of input.users) {
    if (store.usersByUsername.has(u.username.toLowerCase())) throw new Error(`seed: user "${u.username}" exists`);
    const user: User = {
      id: store.nextId("user"), username: u.username, name: u.name ?? titleCase(u.username), email: u.email ?? `${u.username.toLowerCase()}@example.com`,
      publicEmail: u.public_email ?? "", password: u.password ?? "sandbox-password", state: "active", bot: u.bot ?? false, pronouns: u.pronouns ?? null,
      admin: u.admin ?? false, createdAt: now, namespaceId: store.nextId("namespace"), lastActivityAt: now,
    };
    store.addUser(user);
    const pats = (u.personal_access_tokens ?? []).map((t) => {
      const pat = {
        id: store.nextId("pat"), userId: user.id, name: t.name, token: t.token ?? `glpat-${hex(10)}`, scopes: t.scopes, createdAt: now,
        expiresAt: t.expires_at === undefined ? new Date(now + 365 * 86_400_000).toISOString().slice(0, 10) : t.expires_at, revoked: false, lastUsedAt: null,
      };
      store.pats.set(pat.id, pat);
      store.patsByToken.set(pat.token, pat);
      return { id: pat.id, name: pat.name, scopes: pat.scopes, token: pat.token };
    });
    result.users.push({ id: user.id, username: user.username, name: user.name, email: user.email, password: user.password, personal_access_tokens: pats });
  }

  for (const g of input.groups) {
    const parent = g.parent ? store.findGroup(g.parent) : undefined;
    if (g.parent && !parent) throw new Error(`seed: unknown parent group "${g.parent}"`);
    const fullPath = parent ? `${parent.fullPath}/${g.path}` : g.path;
    if (store.groupsByPath.has(fullPath.toLowerCase()) || (!parent && store.usersByUsername.has(g.path.toLowerCase()))) throw new Error(`seed: namespace "${fullPath}" exists`);
    const name = g.name ?? titleCase(g.path);
    const firstOwner = g.members.find((m) => m.access_level >= ACCESS.owner);
    const ownerId = firstOwner ? userOrThrow(app, firstOwner.username).id : null;
    const group: Group = {
      id: store.nextId("namespace"), name, path: g.path, fullPath, fullName: parent ? `${parent.fullName} / ${name}` : name, parentId: parent?.id ?? null,
      tier: g.tier, visibility: g.visibility, description: g.description ?? "", createdAt: now, members: new Map(),
    };
    for (const m of g.members) {
      const mm = membership(app, m, null, now);
      mm.createdById = mm.userId === ownerId ? null : ownerId;
      group.members.set(mm.userId, mm);
    }
    store.addGroup(group);
    result.groups.push({ id: group.id, path: group.path, full_path: group.fullPath, name: group.name, tier: group.tier, web_url: `${app.baseUrl}/groups/${group.fullPath}` });
  }

  const withFiles: Project[] = [];
  for (const p of input.projects) {
    const group = store.findGroup(p.namespace);
    const owner = group ? undefined : store.usersByUsername.get(p.namespace.toLowerCase());
    if (!group && !owner) throw new Error(`seed: unknown namespace "${p.namespace}"`);
    const nsPath = group ? group.fullPath : owner!.username;
    const fullPath = `${nsPath}/${p.path}`;
    if (store.projectsByPath.has(fullPath.toLowerCase())) throw new Error(`seed: project "${fullPath}" exists`);
    const groupOwner = group ? [...group.members.values()].find((m) => m.accessLevel >= ACCESS.owner)?.userId : undefined;
    const creatorId = p.creator ? userOrThrow(app, p.creator).id : owner?.id ?? groupOwner ?? [...store.users.keys()][0] ?? 0;
    const name = p.name ?? p.path;
    const parent = p.forked_from === undefined ? undefined : store.findProject(p.forked_from);
    if (p.forked_from !== undefined && !parent) throw new Error(`seed: unknown parent project "${p.forked_from}"`);
    const id = store.nextId("project");
    const project: Project = {
      id, name, path: p.path, namespace: group ? { kind: "group", id: group.id } : { kind: "user", id: owner!.namespaceId, userId: owner!.id },
      fullPath, nameWithNamespace: `${group ? group.fullName : owner!.name} / ${name}`, description: p.description ?? "", visibility: p.visibility,
      defaultBranch: p.default_branch, createdAt: now, updatedAt: now, lastActivityAt: now, creatorId, members: new Map(),
      repo: { dir: app.repos.dirFor(id), initialFiles: p.files, ready: false, creating: null }, topics: p.topics,
      nextIssueIid: 1, nextMrIid: 1, labels: new Map(), issues: new Map(), mergeRequests: new Map(), hasCommits: Object.keys(p.files).length > 0 || (parent?.hasCommits ?? false),
      forkedFromId: parent?.id ?? null,
    };
    for (const m of p.members) {
      const mm = membership(app, m, creatorId, now);
      project.members.set(mm.userId, mm);
    }
    store.addProject(project);
    for (const l of p.labels) {
      const label = ensureLabel(store, project, typeof l === "string" ? l : l.title);
      if (typeof l !== "string") {
        if (l.color) label.color = l.color;
        if (l.description !== undefined) label.description = l.description;
      }
    }
    const issues = p.issues.map((i) => {
      const author = i.author ? userOrThrow(app, i.author) : store.users.get(creatorId);
      if (!author) throw new Error("seed: issue needs an author");
      const { issue } = createIssue(app, project, author, {
        title: i.title, description: i.description, labels: i.labels, confidential: i.confidential,
        assigneeIds: (i.assignees ?? []).map((a) => userOrThrow(app, a).id),
      });
      return { id: issue.id, iid: issue.iid, title: issue.title };
    });
    if (project.hasCommits) withFiles.push(project);
    const web = projectWebUrl(app, project);
    result.projects.push({ id, path: p.path, path_with_namespace: fullPath, name, web_url: web, http_url_to_repo: `${web}.git`, default_branch: p.default_branch, issues });
  }
  // Repositories with files are created now (a few at a time); empty ones wait for first use.
  for (let i = 0; i < withFiles.length; i += 4) await Promise.all(withFiles.slice(i, i + 4).map((p) => app.repos.ensure(p)));

  for (const a of input.oauth_applications) {
    const uid = a.uid ?? hex(32);
    if (store.appsByUid.has(uid)) throw new Error(`seed: application uid "${uid}" exists`);
    const redirectUris = (Array.isArray(a.redirect_uri) ? a.redirect_uri : a.redirect_uri.split(/\s+/)).filter((s) => s !== "");
    const scopes = (Array.isArray(a.scopes) ? a.scopes : a.scopes.split(/\s+/)).filter((s) => s !== "");
    const application = { id: store.nextId("app"), uid, secret: a.secret ?? `gloas-${hex(32)}`, name: a.name, redirectUris, scopes, trusted: a.trusted, confidential: a.confidential, ownerId: null };
    store.apps.set(application.id, application);
    store.appsByUid.set(uid, application);
    result.oauth_applications.push({ id: application.id, name: a.name, uid, secret: application.secret, redirect_uri: redirectUris.join("\n"), scopes, trusted: a.trusted, confidential: a.confidential });
  }
  return result;
}
