import { z } from "zod";
import { withGitLab, type GitLabApi } from "./client";

/**
 * Who added or removed a label, from GitLab's resource label events API
 * (https://docs.gitlab.com/api/resource_label_events/): `GET /projects/:id/issues/:issue_iid/resource_label_events`.
 * Events come oldest first, one per label per change, with the acting `user`; `label` is null when
 * the label was deleted since.
 */
const labelEventSchema = z
  .object({
    id: z.number().int(),
    user: z.object({ id: z.number().int(), username: z.string() }).loose().nullable(),
    action: z.enum(["add", "remove"]).or(z.string()),
    label: z.object({ id: z.number().int(), name: z.string() }).loose().nullable(),
  })
  .loose();

export interface LabelActor {
  gitlabUserId: number;
  username: string;
  eventId: number;
}

/**
 * The user who last added `label` to the issue, or null when GitLab records no such event. Every page
 * is read (gitbeaker follows the pagination): the newest event is the one that matters, and GitLab
 * lists oldest first.
 */
export async function lastLabelAdder(api: GitLabApi, projectId: number, issueIid: number, label: string): Promise<LabelActor | null> {
  const raw = await withGitLab<unknown>(() => api.IssueLabelEvents.all(projectId, issueIid, { perPage: 100 }));
  const events = z.array(z.unknown()).parse(raw).flatMap((item) => {
    const parsed = labelEventSchema.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
  const wanted = label.trim().toLowerCase();
  const adds = events.filter((e) => e.action === "add" && e.user !== null && e.label?.name.trim().toLowerCase() === wanted).sort((a, b) => a.id - b.id);
  const last = adds.at(-1);
  return last?.user ? { gitlabUserId: last.user.id, username: last.user.username, eventId: last.id } : null;
}
