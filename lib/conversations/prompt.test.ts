import { describe, expect, it } from "vitest";
import { taskSection } from "@/lib/agent/scripted-instructions";
import type { StoredTimelineEvent, TimelineEvent } from "./event-types";
import { buildPrompt } from "./prompt";

const conv = { projectPath: "ada/demo", branch: "main" };
const at = "2026-01-01T00:00:00.000Z";
const events = (...list: TimelineEvent[]): StoredTimelineEvent[] => list.map((event, i) => ({ seq: i + 1, createdAt: at, event }));

describe("buildPrompt", () => {
  it("puts the first message under ## Current task", () => {
    const { prompt, lastUserSeq } = buildPrompt(conv, events({ kind: "user_message", text: "create file a.txt with content a" }));
    expect(prompt).toContain("ada/demo (branch main)");
    expect(prompt.endsWith("## Current task\n\ncreate file a.txt with content a")).toBe(true);
    expect(lastUserSeq).toBe(1);
    expect(taskSection(prompt).trim()).toBe("create file a.txt with content a");
  });

  it("a follow-up carries the history, and the scripted agent only obeys the new message", () => {
    const { prompt, lastUserSeq } = buildPrompt(
      conv,
      events(
        { kind: "user_message", text: "create file a.txt with content a" },
        { kind: "result", outcome: "resolved", summary: "Created a.txt.", changedFiles: ["a.txt"], upToSeq: 1 },
        { kind: "user_message", text: "append b to a.txt" },
      ),
    );
    expect(prompt).toContain("## Conversation so far");
    expect(prompt).toContain("### The user wrote\n\ncreate file a.txt with content a");
    expect(prompt).toContain("### You answered\n\nCreated a.txt.");
    expect(taskSection(prompt).trim()).toBe("append b to a.txt");
    expect(lastUserSeq).toBe(3);
  });

  it("a message written during a run (before its result) is still the next task", () => {
    const { prompt } = buildPrompt(
      conv,
      events(
        { kind: "user_message", text: "first" },
        { kind: "user_message", text: "second, sent while running" },
        { kind: "result", outcome: "resolved", summary: "Did the first.", changedFiles: [], upToSeq: 1 },
      ),
    );
    expect(taskSection(prompt).trim()).toBe("second, sent while running");
  });

  it("without any message: the hooks' context is the task, else a harmless fallback", () => {
    expect(taskSection(buildPrompt(conv, [], "Issue #4: fix the typo").prompt).trim()).toBe("Issue #4: fix the typo");
    expect(taskSection(buildPrompt(conv, []).prompt)).toMatch(/No task was given/);
  });
});
