// POST /projects/:id/hooks/:hook_id/test/:trigger: sends a sample event built from the project's
// latest issue, note or merge request and waits for the answer. A 2xx re-enables a disabled hook
// (WebHooks::AutoDisabling#enable!), which is how people recover a hook on GitLab.
import { groupChain } from "./access";
import { groupFor, projectFor } from "./api-common";
import { requireUser } from "./auth";
import { created, type ApiResult, type ApiRoute, type Ctx } from "./context";
import { forbidden, HttpError, recordNotFound, unprocessable } from "./http";
import type { HookEventFlag, Note, Project, User } from "./store";
import { issueEvent, mrEvent, noteEvent, type BuiltEvent } from "./webhook-payloads";

const latest = <T extends { id: number }>(items: Iterable<T>): T | undefined => [...items].sort((a, b) => b.id - a.id)[0];

function sampleEvent(ctx: Ctx, project: Project, user: User, trigger: string): BuiltEvent {
  const { app } = ctx;
  if (trigger === "issues_events" || trigger === "confidential_issues_events") {
    const issue = latest(project.issues.values());
    if (!issue) throw unprocessable("Ensure the project has issues.");
    const event = issueEvent(app, project, issue, user, "open", {});
    return { ...event, flag: trigger as HookEventFlag, eventName: trigger === "issues_events" ? "Issue Hook" : "Confidential Issue Hook" };
  }
  if (trigger === "note_events" || trigger === "confidential_note_events") {
    const notes = [...app.store.notes.values()].filter((n): n is Note => n.projectId === project.id && !n.system);
    const note = latest(notes);
    if (!note) throw unprocessable("Ensure the project has notes.");
    const event = noteEvent(app, project, note, user, "create");
    return { ...event, flag: trigger as HookEventFlag, eventName: trigger === "note_events" ? "Note Hook" : "Confidential Note Hook" };
  }
  if (trigger === "merge_requests_events") {
    const mr = latest(project.mergeRequests.values());
    if (!mr) throw unprocessable("Ensure the project has merge requests.");
    return mrEvent(app, project, mr, user, "open", {});
  }
  throw new HttpError(400, { error: "trigger does not have a valid value" });
}

async function testHook(ctx: Ctx): Promise<ApiResult> {
  const user = requireUser(ctx);
  const { project } = projectFor(ctx, 40);
  const hook = [...ctx.app.store.hooks.values()].find((h) => h.kind === "project" && h.projectId === project.id && String(h.id) === ctx.params.hook_id);
  if (!hook) throw recordNotFound();
  const event = sampleEvent(ctx, project, user, ctx.params.trigger ?? "");
  const record = await ctx.app.webhooks.sendNow(hook, event.flag, event.eventName, event.payload);
  if (record.status !== null && record.status >= 200 && record.status < 300) return created({ message: "201 Created" });
  throw unprocessable(record.status === null ? `Hook execution failed: ${record.error ?? "no response"}` : `[${record.status}] Hook execution failed`);
}

/**
 * POST /groups/:id/hooks/:hook_id/test/:trigger (gitlab-org/gitlab!150486, GitLab 17): the same for
 * a group hook (Owner), with the sample built from the group's projects (subgroups included), the
 * one with the latest object of the trigger's kind.
 */
async function testGroupHook(ctx: Ctx): Promise<ApiResult> {
  const user = requireUser(ctx);
  const { group, level } = groupFor(ctx);
  if (level < 50) throw forbidden();
  const hook = [...ctx.app.store.hooks.values()].find((h) => h.kind === "group" && h.groupId === group.id && String(h.id) === ctx.params.hook_id);
  if (!hook) throw recordNotFound();
  const projects = [...ctx.app.store.projects.values()].filter((p) => p.namespace.kind === "group" && groupChain(ctx.app.store, p.namespace.id).some((g) => g.id === group.id));
  let event: BuiltEvent | null = null;
  let lastError: unknown = null;
  for (const project of projects.sort((a, b) => b.id - a.id)) {
    try {
      event = sampleEvent(ctx, project, user, ctx.params.trigger ?? "");
      break;
    } catch (err) {
      lastError = err;
    }
  }
  if (!event) throw lastError ?? unprocessable("Ensure the group has projects.");
  const record = await ctx.app.webhooks.sendNow(hook, event.flag, event.eventName, event.payload);
  if (record.status !== null && record.status >= 200 && record.status < 300) return created({ message: "201 Created" });
  throw unprocessable(record.status === null ? `Hook execution failed: ${record.error ?? "no response"}` : `[${record.status}] Hook execution failed`);
}

export const hookTestRoutes: ApiRoute[] = [
  { method: "POST", path: "/projects/:id/hooks/:hook_id/test/:trigger", handler: testHook },
  { method: "POST", path: "/groups/:id/hooks/:hook_id/test/:trigger", handler: testGroupHook },
];
