import { describe, expect, it } from "vitest";
import { parseWebhookEvent } from "@/lib/gitlab/webhook-events";
import type { LabelEvent } from "@/lib/gitlab/label-events";
import { issueNoteEvent, labelAddedEvent, mergeRequestNoteEvent } from "@/lib/resolver/testing/payloads";
import { decide } from "@/lib/resolver/triggers";
import { labelTriggerKey } from "@/lib/resolver/trigger-types";
import { pickLabelAdd } from "@/lib/resolver/verify-delivery";
import { sweepSince } from "./recovery";
import { isStale, issueNoteTrigger, labelTrigger, mergeRequestNoteTrigger, type SweptProject } from "./recovery-triggers";
import { recoverySentences } from "./recovery-view";
import { staleNoticeBody } from "./stale-notice";

/**
 * The sweep must give a trigger the key a real delivery of it gets, or a late delivery, a resend and
 * the sweep would start two runs. Real deliveries here are GitLab's official example payloads.
 */

type Json = Record<string, unknown>;

function deliveredKey(header: "Note Hook" | "Issue Hook", body: unknown): string {
  const parsed = parseWebhookEvent(header === "Note Hook" ? "note" : "issue", body);
  if (!parsed.ok) throw new Error(parsed.reason);
  const d = decide(parsed.event, { eventUuid: "uuid-of-the-delivery" });
  if (d.action !== "trigger") throw new Error(d.action === "ignore" ? d.reason : `unexpected ${d.action}`);
  return d.trigger.triggerKey;
}

const projectOf = (event: Json): SweptProject => {
  const p = event.project as Json;
  return { id: p.id as number, pathWithNamespace: p.path_with_namespace as string, webUrl: p.web_url as string, defaultBranch: (p.default_branch as string) ?? null };
};

const apiNote = (event: Json) => {
  const a = event.object_attributes as Json;
  const user = event.user as Json;
  return { id: a.id as number, body: a.note as string, system: false, author: { id: user.id as number, username: user.username as string }, created_at: "2026-12-01T10:00:00.000Z", type: (a.type as string) ?? null, position: a.position as null };
};

const labelEvent = (id: number, at: string, name = "openhands", action = "add"): LabelEvent => ({ id, created_at: at, action, user: { id: 1, username: "root" }, label: { name } });

describe("sweep trigger keys", () => {
  it("an issue comment swept from the notes API has its Note Hook's key", () => {
    const hook = issueNoteEvent("@openhands please fix", { noteId: 4242 });
    const issue = hook.issue as Json;
    const swept = issueNoteTrigger(projectOf(hook), { id: issue.id as number, iid: issue.iid as number, title: issue.title as string }, apiNote(hook));
    expect(swept?.trigger.triggerKey).toBe(deliveredKey("Note Hook", hook));
    expect(swept?.trigger.triggerKey).toBe(`issue-note:${projectOf(hook).id}:4242`);
  });

  it("a merge request comment (inline too) swept from the notes API has its Note Hook's key", () => {
    const hook = mergeRequestNoteEvent("Could @openhands explain this?", { noteId: 77, position: { new_path: "a.ts", old_path: "a.ts", new_line: 3, old_line: null } });
    const mr = hook.merge_request as Json;
    const swept = mergeRequestNoteTrigger(
      projectOf(hook),
      { id: mr.id as number, iid: mr.iid as number, title: mr.title as string, updated_at: "x", source_branch: mr.source_branch as string, target_branch: mr.target_branch as string, source_project_id: mr.source_project_id as number, target_project_id: mr.target_project_id as number },
      apiNote(hook),
    );
    expect(swept?.trigger.triggerKey).toBe(deliveredKey("Note Hook", hook));
    expect(swept?.trigger.kind === "mr_note" && swept.trigger.position).toMatchObject({ path: "a.ts", line: 3 });
  });

  it("the sweep skips what a delivery would skip: not a mention, a system note, the app's own comment", () => {
    const hook = issueNoteEvent("thanks @openhands");
    const issue = { id: 1, iid: 2, title: "t" };
    expect(issueNoteTrigger(projectOf(hook), issue, apiNote(hook))).toBeNull();
    expect(issueNoteTrigger(projectOf(hook), issue, { ...apiNote(issueNoteEvent("@openhands x")), system: true })).toBeNull();
    expect(issueNoteTrigger(projectOf(hook), issue, apiNote(issueNoteEvent("@openhands done <!-- openhands-agent ack/x -->")))).toBeNull();
  });

  it("a label: the delivery's change and the swept label event resolve to the same label event, so one key", () => {
    const hook = labelAddedEvent({ iid: 23 });
    const changedAt = (hook.object_attributes as Json).updated_at as string; // 2013-12-03T17:15:43Z, whole seconds
    // Added, removed, added again (the change this delivery reports, 400 ms after its second), and an unrelated label.
    const events = [labelEvent(10, "2013-12-01T09:00:00.000Z"), labelEvent(11, "2013-12-02T09:00:00.000Z", "openhands", "remove"), labelEvent(12, "2013-12-03T17:15:43.400Z"), labelEvent(13, "2013-12-03T17:15:43.400Z", "bug")];
    const picked = pickLabelAdd(events, changedAt);
    expect(picked?.id).toBe(12);
    const swept = labelTrigger(projectOf(hook), { id: 99, iid: 23, title: "Title" }, events[2]!);
    expect(swept?.trigger.triggerKey).toBe(labelTriggerKey(projectOf(hook).id, 23, picked!.id));
    // and the swept Issue Hook, confirmed the same way, picks the same event
    expect(pickLabelAdd(events, (swept!.payload.object_attributes as { updated_at: string }).updated_at)?.id).toBe(12);
    // A late delivery of the FIRST add (days earlier) maps to that add, not the latest.
    expect(pickLabelAdd(events, "2013-12-01T09:00:00Z")?.id).toBe(10);
  });

  it("a label event of another label, or a removal, is no trigger", () => {
    const hook = labelAddedEvent();
    expect(labelTrigger(projectOf(hook), { id: 1, iid: 2, title: "t" }, labelEvent(5, "2026-01-01T00:00:00Z", "bug"))).toBeNull();
    expect(labelTrigger(projectOf(hook), { id: 1, iid: 2, title: "t" }, labelEvent(5, "2026-01-01T00:00:00Z", "openhands", "remove"))).toBeNull();
  });
});

describe("the stale window", () => {
  const hook = issueNoteEvent("@openhands fix", { noteId: 5 });
  const swept = issueNoteTrigger(projectOf(hook), { id: 1, iid: 2, title: "t" }, apiNote(hook))!;

  it("is measured from when the trigger happened", () => {
    expect(isStale(swept, new Date("2026-12-02T09:59:00Z"), 24)).toBe(false);
    expect(isStale(swept, new Date("2026-12-02T10:01:00Z"), 24)).toBe(true);
    expect(isStale(swept, new Date("2026-12-01T12:01:00Z"), 2)).toBe(true);
  });

  it("the notice names each trigger, says it was not run and why, and how to ask again", () => {
    const body = staleNoticeBody([swept], 24);
    expect(body).toContain("the comment by @root at 2026-12-01 10:00 UTC");
    expect(body).toContain("more than 24 hours old, so OpenHands has **not** run it");
    expect(body).toContain("comment `@openhands` with the request again");
    expect(body.startsWith("@openhands")).toBe(false);
  });
});

describe("recovery bookkeeping", () => {
  it("looks back from the last pass, at most 7 days, and 24 hours on a first pass", () => {
    const now = new Date("2026-12-02T12:00:00Z");
    expect(sweepSince({ sweptThrough: new Date("2026-12-02T11:00:00Z"), installedAt: null }, now).toISOString()).toBe("2026-12-02T10:59:00.000Z");
    expect(sweepSince({ sweptThrough: new Date("2026-11-01T00:00:00Z"), installedAt: null }, now).toISOString()).toBe("2026-11-25T12:00:00.000Z");
    expect(sweepSince({ sweptThrough: null, installedAt: new Date("2026-01-01T00:00:00Z") }, now).toISOString()).toBe("2026-12-01T12:00:00.000Z");
  });

  it("tells the Integrations page in plain words", () => {
    const fmt = (iso: string) => iso.slice(0, 10);
    expect(recoverySentences({ ran_at: "2026-12-02T10:00:00Z", recovered: 3, reenabled_at: "2026-12-02T10:00:00Z", reenabled_count: 1, error: null }, fmt)).toEqual([
      "3 missed deliveries recovered: requests GitLab could not deliver were picked up afterwards.",
      "GitLab disabled this webhook after failed deliveries; OpenHands re-enabled it once, last on 2026-12-02.",
      "Missed deliveries last checked 2026-12-02.",
    ]);
    expect(recoverySentences({ ran_at: null, recovered: 0, reenabled_at: null, reenabled_count: 0, error: "GitLab is unreachable" }, fmt)).toEqual([
      "Missed deliveries not checked yet.",
      "The last check could not finish: GitLab is unreachable",
    ]);
  });
});
