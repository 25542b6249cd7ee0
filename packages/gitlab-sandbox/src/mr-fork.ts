// Where a merge request's source branch lives, for MRs opened from a fork. Its own module because
// both the MR service (writes) and the MR entity (present-mrs.ts, reads) need it, and the service
// already depends on the presenters through the webhook payloads.
import type { App } from "./context";
import type { MergeRequest, Project } from "./store";

/** The project holding the MR's source branch (the fork, for MRs from a fork). */
export function sourceProjectOf(app: App, project: Project, mr: MergeRequest): Project {
  return mr.sourceProjectId === project.id ? project : app.store.projects.get(mr.sourceProjectId) ?? project;
}

/**
 * GitLab's MergeRequest#collaborative_push_possible?: a fork MR whose source and target projects are
 * both non-private. allow_collaboration only takes effect then.
 */
export function collaborativePushPossible(app: App, project: Project, mr: MergeRequest): boolean {
  const source = sourceProjectOf(app, project, mr);
  return source !== project && source.visibility !== "private" && project.visibility !== "private";
}
