import type { MergeRequestHook } from "@/lib/gitlab/webhook-events";
import { ignore, type Decision } from "../trigger-types";

/**
 * Merge Request Hook. No MR event starts a run on its own; an `@openhands` comment does. The one
 * exception is the opt-in auto-review (issue 18): a merge request that is opened ready, or a draft
 * marked ready (GitLab sends `action: "update"` with `changes.draft` going from true to false, see
 * https://docs.gitlab.com/user/project/integrations/webhook_events/#merge-request-events), is a
 * review candidate; the worker then checks whether the project or its group turned auto-review on.
 */
export function decideMergeRequestEvent(event: MergeRequestHook): Decision {
  const mr = event.object_attributes;
  const action = mr.action ?? "event";
  const isDraft = mr.draft ?? mr.work_in_progress ?? false;
  const markedReady = action === "update" && event.changes?.draft?.previous === true && event.changes.draft.current === false;
  const why = action === "open" && !isDraft ? "opened" : markedReady ? "ready" : null;
  if (!why || (mr.state !== undefined && mr.state !== "opened")) {
    return ignore(`merge request ${action}${isDraft ? " (draft)" : ""} is not a trigger; mention @openhands in a comment`);
  }
  const head = mr.last_commit?.id ?? `event:${action}`;
  return {
    action: "review",
    candidate: {
      kind: "mr_auto_review",
      projectId: event.project.id,
      projectPath: event.project.path_with_namespace,
      mergeRequestIid: mr.iid,
      mergeRequestTitle: mr.title,
      sourceBranch: mr.source_branch,
      triggerKey: `mr-auto-review:${event.project.id}:${mr.iid}:${head}`,
      why,
    },
  };
}
