import { z } from "zod";
import type { GitLabApi } from "./client";
import { collectPages, listPage } from "./groups";

/**
 * Resource label events: who added or removed which label on an issue, and when (GitLab 11.3+).
 * `GET /projects/:id/issues/:issue_iid/resource_label_events`, oldest first, paginated.
 * https://docs.gitlab.com/api/resource_label_events/#list-project-issue-label-events
 * GitLab stamps an event with the issue's update time of the same change, which is the
 * `object_attributes.updated_at` of the Issue Hook that reported it.
 */

export const labelEventSchema = z
  .object({
    id: z.number().int(),
    user: z.object({ id: z.number().int(), username: z.string() }).loose().nullish(),
    created_at: z.string(),
    label: z.object({ name: z.string() }).loose().nullish(),
    action: z.string(),
  })
  .loose();
export type LabelEvent = z.infer<typeof labelEventSchema>;

export async function issueLabelEvents(api: GitLabApi, projectId: number, issueIid: number): Promise<LabelEvent[]> {
  return collectPages((cursor) => listPage(api, `projects/${projectId}/issues/${issueIid}/resource_label_events`, {}, labelEventSchema, cursor), 50);
}

/** The events that added `label` (case-insensitive), oldest first. */
export function labelAdds(events: LabelEvent[], label: string): LabelEvent[] {
  const wanted = label.trim().toLowerCase();
  return events.filter((e) => e.action === "add" && e.label?.name.trim().toLowerCase() === wanted);
}
