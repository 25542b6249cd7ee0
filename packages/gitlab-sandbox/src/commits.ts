// Commits made through the sandbox itself (no git client), with the same effects as a push.
import type { App } from "./context";
import { afterPush } from "./git-bridge";

export interface CommitRequest { branch: string; startBranch?: string; files: Record<string, string | null>; message?: string; author?: string }

export async function commitAsPush(app: App, projectRef: string | number, o: CommitRequest): Promise<{ branch: string; sha: string }> {
  const project = app.store.findProject(String(projectRef));
  if (!project) throw new Error(`unknown project ${projectRef}`);
  const author = o.author ? app.store.usersByUsername.get(o.author.toLowerCase()) : app.store.users.get(project.creatorId);
  if (!author) throw new Error(`unknown author ${o.author ?? project.creatorId}`);
  const b = await app.repos.commitFiles(project, {
    branch: o.branch, startBranch: o.startBranch, files: o.files, message: o.message ?? "Update files", authorName: author.name, authorEmail: author.email,
  });
  await afterPush(app, project, author, new Map([[b.name, b.commit.id]]));
  return { branch: b.name, sha: b.commit.id };
}
