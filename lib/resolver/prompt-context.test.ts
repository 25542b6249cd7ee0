import { describe, expect, it } from "vitest";
import type { NoteSummary } from "@/lib/gitlab/notes";
import { issueContext, LIMITS, mergeRequestContext, newestThatFit, renderDiff } from "./prompt-context";

const note = (id: number, body: string, extra: Partial<NoteSummary> = {}): NoteSummary => ({
  id,
  body,
  system: false,
  authorId: 1,
  authorUsername: "alice",
  createdAt: `2024-01-01T00:00:${String(id).padStart(2, "0")}Z`,
  ...extra,
});
const issue = { iid: 12, title: "Fix the typo", description: "create file a.txt with content hi", state: "opened", webUrl: "https://gl/x/-/issues/12", authorUsername: "bob" };

describe("issue context", () => {
  it("has the title, description and non-system comments, oldest first, without the trigger", () => {
    const text = issueContext({
      projectPath: "g/p",
      issue,
      comments: [note(3, "third"), note(1, "first"), note(2, "moved", { system: true }), note(4, "@openhands go")],
      excludeNoteId: 4,
    });
    expect(text).toContain("GitLab issue #12 in g/p: Fix the typo");
    expect(text).toContain("create file a.txt with content hi");
    expect(text.indexOf("first")).toBeLessThan(text.indexOf("third"));
    expect(text).not.toContain("moved");
    expect(text).not.toContain("@openhands go");
    expect(text).not.toMatch(/^#/m);
  });

  it("keeps the newest comments when they do not all fit", () => {
    const many = Array.from({ length: 40 }, (_, i) => note(i + 1, `comment ${i + 1} ${"x".repeat(400)}`));
    const { kept, dropped } = newestThatFit(many, LIMITS.comments);
    expect(dropped).toBeGreaterThan(0);
    expect(kept.at(-1)?.id).toBe(40);
    expect(kept[0]!.id).toBe(40 - kept.length + 1);
    expect(issueContext({ projectPath: "g/p", issue, comments: many })).toContain(`${dropped} older left out`);
  });

  it("caps a huge description visibly", () => {
    const text = issueContext({ projectPath: "g/p", issue: { ...issue, description: "y".repeat(20_000) }, comments: [] });
    expect(text).toContain("[… truncated, 12000 more characters]");
  });
});

describe("merge request context", () => {
  const mr = { iid: 3, title: "Add X", description: "desc", state: "opened", sourceBranch: "feat", targetBranch: "main", sourceProjectId: 1, targetProjectId: 1, allowCollaboration: false, webUrl: "https://gl/x/-/merge_requests/3" };

  it("names the branches, the inline position, the thread and the diff", () => {
    const text = mergeRequestContext({
      projectPath: "g/p",
      mr,
      diffs: [{ oldPath: "a.ts", newPath: "a.ts", diff: "@@ -1 +1 @@\n-a\n+b\n", status: "modified" }],
      thread: [note(1, "why is this here?"), note(2, "@openhands explain")],
      excludeNoteId: 2,
      position: { path: "a.ts", line: 1, oldPath: null, oldLine: null },
    });
    expect(text).toContain("source branch feat → target branch main");
    expect(text).toContain("inline comment on a.ts, line 1");
    expect(text).toContain("why is this here?");
    expect(text).not.toContain("@openhands explain");
    expect(text).toContain("+++ b/a.ts\n@@ -1 +1 @@");
  });

  it("caps the diff and says how many files were left out", () => {
    const big = Array.from({ length: 5 }, (_, i) => ({ oldPath: `f${i}`, newPath: `f${i}`, diff: "+".repeat(8_000), status: "modified" as const }));
    const text = renderDiff(big);
    expect(text.length).toBeLessThan(LIMITS.diff + 500);
    expect(text).toContain("3 more file(s) left out");
  });
});
