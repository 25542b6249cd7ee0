// HTML pages for people (the demo): sign-in/out, project, issue and merge request pages, and the
// comment and label-toggle forms, which go through the same services (and webhooks) as the API.
import type { IncomingMessage, ServerResponse } from "node:http";
import { canReadProject, projectAccess } from "./access";
import { canSeeIssue } from "./api-common";
import type { App } from "./context";
import { iso } from "./format";
import { redirect, sendHtml } from "./http";
import { updateIssue } from "./issue-service";
import { compareMergeRequest, updateMergeRequest } from "./mr-service";
import { createNote, type Noteable } from "./note-service";
import { renderErrorPage, renderIssuePage, renderMergeRequestPage, renderProjectPage, renderProjectsPage, type PageNote, type PageUser } from "./pages";
import type { Params } from "./params";
import { projectWebUrl } from "./present-projects";
import { endSession, handleSignIn, sessionUser, showSignIn, signInUrl, safeReturnPath } from "./session";
import type { Project, Store, User } from "./store";
import type { BuiltEvent } from "./webhook-payloads";

const pageUser = (u: User | undefined | null): PageUser => (u ? { username: u.username, name: u.name } : { username: "ghost", name: "Ghost User" });

const PAGE = /^\/(.+?)\/-\/(issues|merge_requests)\/(\d+)(?:\/(notes|labels))?\/?$/;

export interface WebRequest { app: App; req: IncomingMessage; res: ServerResponse; method: string; path: string; query: URLSearchParams; form: Params; defer(fn: () => void): void }

/** Route key for request statistics, or null when the path is not a page of ours. */
export function webRouteKey(method: string, path: string): string {
  if (path === "/users/sign_in" || path === "/users/sign_out" || path === "/") return `${method} ${path}`;
  const m = PAGE.exec(path);
  if (m) return `${method} /:project/-/${m[2]}/:iid${m[4] ? `/${m[4]}` : ""}`;
  return `${method} /:path`;
}

function notFoundPage(res: ServerResponse): void {
  sendHtml(res, 404, renderErrorPage(404, "The page could not be found or you don't have permission to view it."));
}

/** System notes reference labels by id (`~12`); pages show the label name instead. */
function readableSystemBody(project: Project, body: string): string {
  const byId = new Map([...project.labels.values()].map((l) => [l.id, l.title]));
  return body.replace(/~(\d+)/g, (m, id: string) => {
    const title = byId.get(Number(id));
    return title ? `~"${title}"` : m;
  });
}

/** Emoji reactions on a note or an issue, oldest first, as GitLab lists them under it. */
function awardNames(store: Store, type: "Note" | "Issue", id: number): string[] {
  return [...store.awards.values()].filter((a) => a.awardableType === type && a.awardableId === id).sort((a, b) => a.id - b.id).map((a) => a.name);
}

function pageDiscussions(store: Store, project: Project, discussionIds: string[], level: number): { id: string; notes: PageNote[] }[] {
  const out: { id: string; notes: PageNote[] }[] = [];
  for (const did of discussionIds) {
    const d = store.discussions.get(did);
    if (!d) continue;
    const notes: PageNote[] = [];
    for (const id of d.noteIds) {
      const n = store.notes.get(id);
      // Internal notes are for Reporter+ only.
      if (!n || (n.internal && level < 20)) continue;
      notes.push({
        id: n.id, author: pageUser(store.users.get(n.authorId)), body: n.system ? readableSystemBody(project, n.body) : n.body,
        createdAt: iso(n.createdAt), system: n.system,
        position: n.position ? { newPath: n.position.new_path, newLine: n.position.new_line, oldPath: n.position.old_path, oldLine: n.position.old_line } : null,
        awards: awardNames(store, "Note", n.id),
      });
    }
    if (notes.length > 0) out.push({ id: d.id, notes });
  }
  return out;
}

async function projectPage(w: WebRequest, project: Project, user: User | null): Promise<void> {
  const { app } = w;
  const level = user ? projectAccess(app.store, user.id, project) : 0;
  const canCode = project.visibility !== "private" || level >= 20;
  const branches = canCode ? (await app.repos.branches(project)).map((b) => b.name) : [];
  const web = projectWebUrl(app, project);
  const issues = [...project.issues.values()].filter((i) => canSeeIssue(i, user, level)).sort((a, b) => b.iid - a.iid);
  const mrs = canCode ? [...project.mergeRequests.values()].sort((a, b) => b.iid - a.iid) : [];
  sendHtml(w.res, 200, renderProjectPage({
    user: user ? pageUser(user) : null,
    project: { name: project.name, fullPath: project.fullPath, description: project.description, defaultBranch: project.defaultBranch, webUrl: web },
    branches,
    issues: issues.map((i) => ({ iid: i.iid, title: i.title, state: i.state, labels: i.labels, url: `${web}/-/issues/${i.iid}` })),
    mergeRequests: mrs.map((m) => ({ iid: m.iid, title: m.title, state: m.state, sourceBranch: m.sourceBranch, targetBranch: m.targetBranch, url: `${web}/-/merge_requests/${m.iid}` })),
  }));
}

/**
 * Who may change labels (https://docs.gitlab.com/user/permissions/): on issues Planner (15) and up,
 * on merge requests Developer (30) and up (Reporters cannot, gitlab-org/gitlab#15638); the author
 * of either may too.
 */
function mayLabel(kind: "issues" | "merge_requests", level: number, authorId: number, user: User | null): boolean {
  return !!user && (level >= (kind === "issues" ? 15 : 30) || authorId === user.id);
}

function fire(w: WebRequest, project: Project, event: BuiltEvent): void {
  w.defer(() => w.app.webhooks.emit(project, event.flag, event.eventName, event.payload));
}

async function issueOrMrPage(w: WebRequest, project: Project, user: User | null, kind: string, iid: number, action: string | undefined): Promise<void> {
  const { app, res } = w;
  const level = user ? projectAccess(app.store, user.id, project) : 0;
  const web = projectWebUrl(app, project);
  const here = `/${project.fullPath}/-/${kind}/${iid}`;
  if (kind === "issues") {
    const issue = project.issues.get(iid);
    if (!issue || !canSeeIssue(issue, user, level)) return notFoundPage(res);
    if (w.method === "POST") {
      if (!user) return redirect(res, signInUrl(here));
      if (action === "notes") {
        const body = String(w.form.body ?? "").trim();
        if (body && (project.visibility !== "private" || level >= 10)) {
          const n: Noteable = { type: "Issue", issue };
          const { note, event } = createNote(app, project, n, user, { body });
          fire(w, project, event);
          return redirect(res, `${here}#note_${note.id}`);
        }
      } else if (action === "labels" && mayLabel("issues", level, issue.authorId, user)) {
        const label = String(w.form.label ?? "");
        const op = String(w.form.op ?? "");
        const event = label ? updateIssue(app, project, issue, user, op === "remove" ? { removeLabels: [label] } : { addLabels: [label] }) : null;
        if (event) fire(w, project, event);
      }
      return redirect(res, here);
    }
    const labels = new Set([...project.labels.keys(), ...issue.labels]);
    const mayLabelIssue = mayLabel("issues", level, issue.authorId, user);
    return sendHtml(res, 200, renderIssuePage({
      user: user ? pageUser(user) : null, project: { name: project.name, fullPath: project.fullPath, webUrl: web },
      issue: { iid: issue.iid, title: issue.title, description: issue.description, state: issue.state, labels: issue.labels, author: pageUser(app.store.users.get(issue.authorId)), confidential: issue.confidential, awards: awardNames(app.store, "Issue", issue.id) },
      discussions: pageDiscussions(app.store, project, issue.discussionIds, level),
      labelToggles: [...labels].sort().map((label) => ({ label, present: issue.labels.includes(label) })),
      commentAction: `${here}/notes`, labelAction: mayLabelIssue ? `${here}/labels` : null, signInUrl: signInUrl(here),
    }));
  }
  const mr = project.mergeRequests.get(iid);
  if (!mr || (project.visibility === "private" && level < 20)) return notFoundPage(res);
  if (w.method === "POST") {
    if (!user) return redirect(res, signInUrl(here));
    const body = String(w.form.body ?? "").trim();
    if (action === "notes" && body) {
      const { note, event } = createNote(app, project, { type: "MergeRequest", mr }, user, { body });
      fire(w, project, event);
      return redirect(res, `${here}#note_${note.id}`);
    }
    if (action === "labels" && mayLabel("merge_requests", level, mr.authorId, user)) {
      const label = String(w.form.label ?? "");
      const op = String(w.form.op ?? "");
      const event = label ? await updateMergeRequest(app, project, mr, user, op === "remove" ? { removeLabels: [label] } : { addLabels: [label] }) : null;
      if (event) fire(w, project, event);
    }
    return redirect(res, here);
  }
  const mrLabels = new Set([...project.labels.keys(), ...mr.labels]);
  const cmp = await compareMergeRequest(app, project, mr).catch(() => ({ diffs: [] }));
  sendHtml(res, 200, renderMergeRequestPage({
    user: user ? pageUser(user) : null, project: { name: project.name, fullPath: project.fullPath, webUrl: web },
    mergeRequest: { iid: mr.iid, title: mr.title, description: mr.description, state: mr.state, sourceBranch: mr.sourceBranch, targetBranch: mr.targetBranch, author: pageUser(app.store.users.get(mr.authorId)), webUrl: `${web}/-/merge_requests/${mr.iid}`, labels: mr.labels },
    discussions: pageDiscussions(app.store, project, mr.discussionIds, level),
    changes: cmp.diffs.map((d) => ({ path: d.new_path, oldPath: d.old_path, diff: d.diff })),
    labelToggles: [...mrLabels].sort().map((label) => ({ label, present: mr.labels.includes(label) })),
    commentAction: `${here}/notes`, labelAction: mayLabel("merge_requests", level, mr.authorId, user) ? `${here}/labels` : null, signInUrl: signInUrl(here),
  }));
}

/** Handles the sandbox's HTML routes; answers 404 pages for anything else. */
export async function handleWeb(w: WebRequest): Promise<void> {
  const { app, req, res, method, path } = w;
  if (path === "/users/sign_in") {
    if (method === "POST") return handleSignIn(app, req, res, w.form);
    return showSignIn(res, safeReturnPath(w.query.get("redirect_to") ?? "/"));
  }
  if (path === "/users/sign_out") return redirect(res, "/users/sign_in", { "Set-Cookie": endSession(app, req) });
  const user = sessionUser(app, req);
  if (path === "/") {
    if (!user) return redirect(res, signInUrl("/"));
    const mine = [...app.store.projects.values()].filter((p) => projectAccess(app.store, user.id, p) > 0).sort((a, b) => a.fullPath.localeCompare(b.fullPath));
    return sendHtml(res, 200, renderProjectsPage({
      user: pageUser(user),
      projects: mine.map((p) => ({
        name: p.name, fullPath: p.fullPath, description: p.description, url: projectWebUrl(app, p),
        openIssues: [...p.issues.values()].filter((i) => i.state === "opened").length,
        openMergeRequests: [...p.mergeRequests.values()].filter((m) => m.state === "opened").length,
      })),
    }));
  }
  const m = PAGE.exec(path);
  const projectPath = m?.[1] ?? path.replace(/^\/+|\/+$/g, "");
  const project = app.store.projectsByPath.get(projectPath.toLowerCase());
  if (!project || !canReadProject(app.store, user, project)) {
    // Anonymous visitors of a private page are sent to sign in, as on GitLab.
    if (!user && method === "GET") return redirect(res, signInUrl(path));
    return notFoundPage(res);
  }
  if (!m) return method === "GET" ? projectPage(w, project, user) : notFoundPage(res);
  return issueOrMrPage(w, project, user, m[2] ?? "issues", Number(m[3]), m[4]);
}
