import { z } from "zod";
import type { GitLabApi } from "./client";
import { collectPages, listPage } from "./groups";

/**
 * Resource label events: who added or removed which label on an issue, and when (GitLab 11.3+).
 * `GET /projects/:id/issues/:issue_iid/resource_label_events`, oldest first, one event per label per
 * change, paginated. https://docs.gitlab.com/api/resource_label_events/#list-project-issue-label-events
 *
 * Two uses, one reading:
 * - authority (issue 13): the acting `user` of the add is who labelled the issue, whatever the webhook
 *   body claims (a body is only as trusted as the hook's secret);
 * - identity (issue 16): the event's `id` keys the run, so a late delivery, a resend and the catch-up
 *   sweep all start the same one. GitLab stamps an event with the issue's update time of the same
 *   change, which is the `object_attributes.updated_at` of the Issue Hook that reported it.
 *
 * `user` and `label` are null when the user or the label was deleted since.
 */
export const labelEventSchema = z
  .object({
    id: z.number().int(),
    user: z.object({ id: z.number().int(), username: z.string() }).loose().nullish(),
    created_at: z.string(),
    label: z.object({ id: z.number().int().optional(), name: z.string() }).loose().nullish(),
    action: z.string(),
  })
  .loose();
export type LabelEvent = z.infer<typeof labelEventSchema>;

/** Every event of the issue, oldest first (all pages; bounded so a misbehaving server cannot loop us). */
export async function issueLabelEvents(api: GitLabApi, projectId: number, issueIid: number): Promise<LabelEvent[]> {
  const events = await collectPages((cursor) => listPage(api, `projects/${projectId}/issues/${issueIid}/resource_label_events`, {}, labelEventSchema, cursor), 50);
  return events.sort((a, b) => a.id - b.id);
}

/** The events that added `label` (case-insensitive), oldest first. */
export function labelAdds(events: LabelEvent[], label: string): LabelEvent[] {
  const wanted = label.trim().toLowerCase();
  return events.filter((e) => e.action === "add" && e.label?.name.trim().toLowerCase() === wanted);
}
