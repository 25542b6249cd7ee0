// Wires git smart HTTP (git-http.ts) to the sandbox: token authentication (OAuth token or PAT as the
// Basic password, any username), effective access levels, lazy repository creation, push effects.
import type { IncomingMessage, ServerResponse } from "node:http";
import { projectAccess } from "./access";
import { tryAuthenticate } from "./auth";
import type { App } from "./context";
import { handleGitRequest, type GitHttpDeps } from "./git-http";
import { collaborativePushPossible } from "./mr-fork";
import { refreshAfterPush } from "./mr-service";
import { ACCESS, type Project, type User } from "./store";

const GIT_PATH = /^\/((?:[^/]+\/)+[^/]+)\.git\//;

function gitDeps(app: App): GitHttpDeps {
  return {
    resolveRepository(fullPath) {
      const p = app.store.projectsByPath.get(fullPath.toLowerCase());
      return p ? { projectId: p.id, dir: p.repo.dir, visibility: p.visibility } : null;
    },
    authenticate(_username, password) {
      const principal = tryAuthenticate(app, password);
      return principal ? { userId: principal.user.id, scopes: principal.scopes } : null;
    },
    accessLevel(userId, projectId) {
      const p = app.store.projects.get(projectId);
      const u = app.store.users.get(userId);
      if (!p || !u) return 0;
      return u.admin ? 60 : projectAccess(app.store, userId, p);
    },
    collaborationRefs(userId, projectId) {
      // GitLab: members who can merge into the target (Maintainer+ here) may push to the source
      // branch of an open fork MR that allows collaboration.
      const refs: string[] = [];
      for (const mr of app.store.mergeRequests.values()) {
        if (mr.sourceProjectId !== projectId || mr.projectId === projectId || mr.state !== "opened" || !mr.allowCollaboration) continue;
        const target = app.store.projects.get(mr.projectId);
        if (!target || !collaborativePushPossible(app, target, mr)) continue;
        if (projectAccess(app.store, userId, target) >= ACCESS.maintainer) refs.push(`refs/heads/${mr.sourceBranch}`);
      }
      return refs;
    },
    onPush(event) {
      const project = app.store.projects.get(event.projectId);
      const pusher = app.store.users.get(event.userId);
      if (!project || !pusher) return;
      const moved = new Map<string, string>();
      for (const r of event.updatedRefs) if (r.ref.startsWith("refs/heads/")) moved.set(r.ref.slice("refs/heads/".length), r.after);
      // MR diff refresh runs after the push answer, like GitLab's post-receive.
      const task = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => afterPush(app, project, pusher, moved))
        .catch((error: unknown) => console.error("gitlab-sandbox: MR refresh after push failed", error))
        .finally(() => app.background.delete(task));
      app.background.add(task);
    },
  };
}

/** Push side effects: activity timestamps, then new diff_refs (and a Merge Request Hook) for MRs whose source moved. */
export async function afterPush(app: App, project: Project, pusher: User, moved: Map<string, string>): Promise<void> {
  const now = Date.now();
  project.lastActivityAt = now;
  project.updatedAt = now;
  project.hasCommits = true;
  pusher.lastActivityAt = now;
  if (moved.size === 0) return;
  for (const u of await refreshAfterPush(app, project, pusher, moved)) app.webhooks.emit(u.target, u.event.flag, u.event.eventName, u.event.payload);
}

/** Creates the project's bare repository if needed, then hands the request to git http-backend. */
export async function serveGit(app: App, req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
  const m = GIT_PATH.exec(pathname);
  let fullPath = "";
  try {
    fullPath = decodeURIComponent(m?.[1] ?? "");
  } catch {
    fullPath = "";
  }
  const project = app.store.projectsByPath.get(fullPath.toLowerCase());
  if (project) await app.repos.ensure(project);
  await handleGitRequest(req, res, gitDeps(app));
}
