import { describe, expect, it } from "vitest";
import { eventKindForHeader, parseWebhookEvent, type WebhookEvent } from "@/lib/gitlab/webhook-events";
import { marker } from "./markers";
import { fixture, issueNoteEvent, labelAddedEvent, mergeRequestNoteEvent, OFFICIAL_EVENTS } from "./testing/payloads";
import { decide, type Decision } from "./triggers";

function parse(header: string, body: unknown): WebhookEvent {
  const kind = eventKindForHeader(header);
  if (!kind) throw new Error(`unhandled ${header}`);
  const parsed = parseWebhookEvent(kind, body);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.event;
}

const decideFor = (header: string, body: unknown, eventUuid: string | null = "uuid-1"): Decision => decide(parse(header, body), { eventUuid });

describe("official payloads", () => {
  it.each(OFFICIAL_EVENTS)("$file passes the $header schema", ({ file, header }) => {
    const kind = eventKindForHeader(header);
    expect(kind).not.toBeNull();
    expect(parseWebhookEvent(kind!, fixture(file))).toMatchObject({ ok: true });
  });

  it("confidential variants use the same schemas", () => {
    expect(eventKindForHeader("Confidential Issue Hook")).toBe("issue");
    expect(eventKindForHeader("Confidential Note Hook")).toBe("note");
    expect(eventKindForHeader("Push Hook")).toBeNull();
    expect(eventKindForHeader("Emoji Hook")).toBeNull();
  });

  it("a body that does not match gets a short reason", () => {
    const result = parseWebhookEvent("note", { object_kind: "note", user: { id: 1, username: "a" } });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason.length).toBeLessThanOrEqual(200);
  });

  it.each(["note_commit.json", "note_snippet.json"])("%s is ignored", (file) => {
    const d = decideFor("Note Hook", fixture(file));
    expect(d).toEqual({ action: "ignore", reason: expect.stringMatching(/comments on (commits|snippets) are not handled/) });
  });

  it("the doc's label example (adds Platform) and the opened example do not trigger", () => {
    expect(decideFor("Issue Hook", fixture("issue_label_added.json"))).toMatchObject({ action: "ignore" });
    expect(decideFor("Issue Hook", fixture("issue_opened.json"))).toMatchObject({ action: "ignore", reason: "issue opened without the openhands label" });
    // Opened ready: only a candidate for the opt-in auto-review, which the worker checks.
    expect(decideFor("Merge Request Hook", fixture("merge_request_opened.json"))).toMatchObject({ action: "review", candidate: { why: "opened" } });
  });
});

describe("issue label trigger", () => {
  it("the label-added payload with openhands triggers, keyed by project, issue and event", () => {
    const d = decideFor("Issue Hook", labelAddedEvent());
    expect(d).toEqual({
      action: "trigger",
      trigger: expect.objectContaining({ kind: "issue_label", issueIid: 23, projectId: 1, triggerKey: "issue-label:1:23:uuid-1", author: { gitlabUserId: 1, username: "root" } }),
    });
  });

  it("without an event UUID the update time identifies the change", () => {
    const d = decideFor("Issue Hook", labelAddedEvent(), null);
    expect(d.action === "trigger" && d.trigger.triggerKey).toMatch(/^issue-label:1:23:2013-12-03/);
  });

  it("a label already present does not trigger again", () => {
    expect(decideFor("Issue Hook", labelAddedEvent({ alreadyPresent: true }))).toEqual({ action: "ignore", reason: "label already present" });
  });

  it("matches the label case-insensitively, nothing else", () => {
    expect(decideFor("Issue Hook", labelAddedEvent({ labelTitle: "OpenHands" })).action).toBe("trigger");
    expect(decideFor("Issue Hook", labelAddedEvent({ labelTitle: "openhands-later" })).action).toBe("ignore");
  });

  it("an issue opened with the label triggers", () => {
    const opened = fixture("issue_opened.json");
    (opened.object_attributes as Record<string, unknown>).labels = [{ id: 1, title: "openhands" }];
    expect(decideFor("Issue Hook", opened).action).toBe("trigger");
  });

  it("closing or reopening is not a trigger", () => {
    const closed = labelAddedEvent();
    (closed.object_attributes as Record<string, unknown>).action = "close";
    expect(decideFor("Issue Hook", closed)).toEqual({ action: "ignore", reason: "issue close is not a trigger" });
  });
});

describe("note triggers", () => {
  it("an issue comment starting with @openhands triggers with the request", () => {
    const d = decideFor("Note Hook", issueNoteEvent("@openhands create file a.txt", { discussionId: "d1" }));
    expect(d).toEqual({
      action: "trigger",
      trigger: expect.objectContaining({ kind: "issue_note", issueIid: 17, noteId: 1241, discussionId: "d1", request: "create file a.txt", triggerKey: "issue-note:5:1241" }),
    });
  });

  it("an issue comment mentioning @openhands later does not", () => {
    expect(decideFor("Note Hook", issueNoteEvent("thanks @openhands")).action).toBe("ignore");
  });

  it("edits, system notes and the app's own comments never trigger", () => {
    expect(decideFor("Note Hook", issueNoteEvent("@openhands go", { action: "update" }))).toMatchObject({ action: "ignore", reason: expect.stringContaining("edited") });
    expect(decideFor("Note Hook", issueNoteEvent("@openhands go", { system: true }))).toEqual({ action: "ignore", reason: "system note" });
    expect(decideFor("Note Hook", issueNoteEvent(`@openhands go\n\n${marker("ack/x")}`))).toMatchObject({ action: "ignore", reason: expect.stringContaining("bot marker") });
  });

  it("an MR comment mentioning @openhands anywhere triggers; quoted or in code it does not", () => {
    expect(decideFor("Note Hook", mergeRequestNoteEvent("Could @openhands explain this?"))).toMatchObject({
      action: "trigger",
      trigger: { kind: "mr_note", mergeRequestIid: 1, sourceBranch: "master", targetBranch: "markdown", triggerKey: "mr-note:5:1244" },
    });
    expect(decideFor("Note Hook", mergeRequestNoteEvent("> @openhands do it\n\nno")).action).toBe("ignore");
    expect(decideFor("Note Hook", mergeRequestNoteEvent("`@openhands`")).action).toBe("ignore");
  });

  it("an inline MR comment carries its file and line", () => {
    const d = decideFor("Note Hook", mergeRequestNoteEvent("@openhands why?", { position: { new_path: "src/a.ts", old_path: "src/a.ts", new_line: 12, old_line: null } }));
    expect(d.action === "trigger" && d.trigger.kind === "mr_note" && d.trigger.position).toEqual({ path: "src/a.ts", line: 12, oldPath: "src/a.ts", oldLine: null });
  });
});
