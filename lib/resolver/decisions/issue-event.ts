import type { IssueHook } from "@/lib/gitlab/webhook-events";
import { ignore, TRIGGER_LABEL, triggerBase, type Decision, type DecisionContext } from "../trigger-types";

const hasLabel = (labels: { title: string }[] | null | undefined): boolean =>
  (labels ?? []).some((l) => l.title.trim().toLowerCase() === TRIGGER_LABEL);

/**
 * Issue Hook / Confidential Issue Hook: a run starts when the `openhands` label is ADDED (in
 * `changes.labels.current`, not in `previous`), or when an issue is opened with it. Any other
 * update, including one that leaves an existing label in place, is ignored, so editing a labelled
 * issue does not start a second run.
 */
export function decideIssueEvent(event: IssueHook, ctx: DecisionContext): Decision {
  const attrs = event.object_attributes;
  if (event.object_kind !== "issue" || (attrs.type && attrs.type !== "Issue")) {
    return ignore(`work item of type ${attrs.type ?? event.object_kind} is not handled`);
  }
  const action = attrs.action ?? "update";
  if (action === "open") {
    if (!hasLabel(attrs.labels ?? event.labels)) return ignore("issue opened without the openhands label");
  } else if (action === "update") {
    const change = event.changes?.labels;
    if (!change) return ignore("issue update without a label change");
    if (!hasLabel(change.current)) return ignore("label change without the openhands label");
    if (hasLabel(change.previous)) return ignore("label already present");
  } else {
    return ignore(`issue ${action} is not a trigger`);
  }
  // One run per label-added event: the event UUID is shared by the project and group hook
  // deliveries of the same change; without it, the update time identifies the change. The worker
  // replaces this key with the one of GitLab's label event (labelTriggerKey) when it can read it.
  const eventId = ctx.eventUuid ?? attrs.updated_at ?? "unknown";
  const key = `issue-label:${event.project.id}:${attrs.iid}:${eventId}`;
  return { action: "trigger", trigger: { ...triggerBase(event.project, event.user, key), kind: "issue_label", issueIid: attrs.iid, issueTitle: attrs.title, changedAt: attrs.updated_at ?? null } };
}
