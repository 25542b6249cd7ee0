import type { Database } from "@/db/client";
import type { GitLabApi } from "@/lib/gitlab/client";
import { log } from "@/lib/log";
import { shapeRedactor } from "@/lib/redaction";
import { markerKey } from "@/lib/resolver/markers";
import { postCommentOnce, type CommentTarget } from "@/lib/resolver/post-comment";
import type { SweptTrigger } from "./recovery-triggers";

/**
 * Triggers older than the stale window are not run days late (the code and the request may both
 * have moved on). Each issue or merge request gets ONE comment naming them, saying they were not
 * run and why, and how to ask again, so a burst of old triggers (or a spammer during an outage)
 * costs one comment per thread, not one per trigger. The comment is keyed by its newest trigger:
 * posting is idempotent across retries and recovery passes.
 */

function targetOf(t: SweptTrigger): CommentTarget {
  const tr = t.trigger;
  return tr.kind === "mr_note" ? { type: "merge_request", projectId: tr.projectId, iid: tr.mergeRequestIid } : { type: "issue", projectId: tr.projectId, iid: tr.issueIid };
}

const when = (d: Date): string => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

export function staleNoticeBody(triggers: SweptTrigger[], staleHours: number): string {
  const lines = triggers.map((t) => {
    const who = `@${t.trigger.author.username}`;
    return t.trigger.kind === "issue_label" ? `- the \`openhands\` label added by ${who} at ${when(t.at)}` : `- the comment by ${who} at ${when(t.at)}`;
  });
  const again = triggers.some((t) => t.trigger.kind === "issue_label") ? "remove and re-add the `openhands` label, or comment `@openhands` with the request" : "comment `@openhands` with the request again";
  return [
    `OpenHands did not receive ${triggers.length === 1 ? "this request" : "these requests"} from GitLab when ${triggers.length === 1 ? "it was" : "they were"} made (the app was unreachable and GitLab did not deliver the notification):`,
    "",
    ...lines,
    "",
    `${triggers.length === 1 ? "It is" : "They are"} more than ${staleHours} hours old, so OpenHands has **not** run ${triggers.length === 1 ? "it" : "them"}: the code and the request may have changed since. If it is still wanted, ${again}.`,
  ].join("\n");
}

/** Posts one notice per issue or merge request; returns how many triggers were answered. */
export async function postStaleNotices(db: Database, api: GitLabApi, triggers: SweptTrigger[], staleHours: number): Promise<number> {
  const byThread = new Map<string, SweptTrigger[]>();
  for (const t of triggers) {
    const target = targetOf(t);
    const key = `${target.type}:${target.projectId}:${target.iid}`;
    byThread.set(key, [...(byThread.get(key) ?? []), t]);
  }
  let answered = 0;
  // Every text the app posts to GitLab goes through the redactor (issue 13). The notice is built
  // without a run, from usernames and times only, so the shape redactor (no run secrets) applies.
  for (const group of byThread.values()) {
    const newest = group[group.length - 1];
    if (!newest) continue;
    try {
      await postCommentOnce(db, api, { key: markerKey("notice", "stale", newest.trigger.triggerKey), target: targetOf(newest), body: shapeRedactor.text(staleNoticeBody(group, staleHours)) });
      answered += group.length;
    } catch (err) {
      log.warn("could not post the notice about stale triggers", { key: newest.trigger.triggerKey, error: (err as Error).message });
    }
  }
  return answered;
}
