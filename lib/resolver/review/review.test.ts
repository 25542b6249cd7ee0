import { describe, expect, it } from "vitest";
import { renderReviewBlock } from "@/lib/agent/review-block";
import { parseReview } from "./findings";
import { isReviewRequest } from "./mode";
import { diffLines, positionFor, type DiffVersion } from "./positions";
import { findingKey } from "./publish";

const version: DiffVersion = {
  baseSha: "b".repeat(40),
  startSha: "s".repeat(40),
  headSha: "h".repeat(40),
  diffs: [
    { oldPath: "a.ts", newPath: "a.ts", status: "modified", diff: "@@ -1,4 +1,4 @@\n one\n-two\n+TWO\n three\n four\n\\ No newline at end of file\n" },
    { oldPath: "old.txt", newPath: "new.txt", status: "renamed", diff: "@@ -1,2 +1,2 @@\n x\n-y\n+Y\n" },
    { oldPath: "gone.txt", newPath: "gone.txt", status: "deleted", diff: "@@ -1,1 +0,0 @@\n-bye\n" },
  ],
};

describe("parseReview", () => {
  it("reads the last openhands-review block and keeps the prose", () => {
    const msg = `Some thoughts.\n\n${renderReviewBlock({ summary: "ok", findings: [{ file: "a.ts", line: 2, side: "new", body: "why?" }] })}`;
    expect(parseReview(msg)).toEqual({ kind: "review", summary: "ok", findings: [{ file: "a.ts", line: 2, side: "new", body: "why?" }], prose: "Some thoughts." });
  });

  it("is strict: unknown keys, wrong types and bad JSON are reported, never guessed", () => {
    const block = (json: string) => `\`\`\`openhands-review\n${json}\n\`\`\``;
    expect(parseReview(block('{"summary":"s","findings":[],"extra":1}'))).toMatchObject({ kind: "invalid", reason: expect.stringContaining("extra") });
    expect(parseReview(block('{"summary":"s","findings":[{"file":"a","line":0,"side":"new","body":"b"}]}'))).toMatchObject({ kind: "invalid", reason: expect.stringContaining("findings.0.line") });
    expect(parseReview(block('{"summary":"s","findings":[{"file":"a","line":1,"side":"left","body":"b"}]}'))).toMatchObject({ kind: "invalid" });
    expect(parseReview(block("{not json"))).toMatchObject({ kind: "invalid", reason: expect.stringContaining("not valid JSON") });
    expect(parseReview("Just prose.")).toEqual({ kind: "prose", prose: "Just prose." });
  });
});

describe("positionFor", () => {
  it("numbers diff lines per side and skips the no-newline marker", () => {
    expect(diffLines(version.diffs[0]!.diff).map((l) => [l.kind, l.oldLine, l.newLine])).toEqual([
      ["context", 1, 1], ["removed", 2, null], ["added", null, 2], ["context", 3, 3], ["context", 4, 4],
    ]);
  });

  it("sends new_line for added lines, old_line for removed lines and both for unchanged ones", () => {
    expect(positionFor(version, { file: "a.ts", line: 2, side: "new" })?.position).toMatchObject({ new_line: 2, old_path: "a.ts", new_path: "a.ts", head_sha: "h".repeat(40) });
    expect(positionFor(version, { file: "a.ts", line: 2, side: "new" })?.position.old_line).toBeUndefined();
    expect(positionFor(version, { file: "a.ts", line: 2, side: "old" })?.position).toMatchObject({ old_line: 2 });
    expect(positionFor(version, { file: "a.ts", line: 2, side: "old" })?.position.new_line).toBeUndefined();
    expect(positionFor(version, { file: "a.ts", line: 3, side: "new" })).toMatchObject({ kind: "context", position: { old_line: 3, new_line: 3 } });
  });

  it("uses both paths of a renamed file, whichever name the finding used", () => {
    for (const file of ["new.txt", "old.txt"]) expect(positionFor(version, { file, line: 2, side: "new" })?.position).toMatchObject({ old_path: "old.txt", new_path: "new.txt", new_line: 2 });
    expect(positionFor(version, { file: "./gone.txt", line: 1, side: "old" })?.position).toMatchObject({ old_line: 1 });
  });

  it("returns null for lines and files outside the diff", () => {
    expect(positionFor(version, { file: "a.ts", line: 9, side: "new" })).toBeNull();
    expect(positionFor(version, { file: "README.md", line: 1, side: "new" })).toBeNull();
    expect(positionFor(version, { file: "gone.txt", line: 1, side: "new" })).toBeNull();
  });
});

describe("review requests and finding keys", () => {
  it("recognises review requests, not other requests that mention the word", () => {
    expect(isReviewRequest("review")).toBe(true);
    expect(isReviewRequest("Review please, focus on security")).toBe(true);
    expect(isReviewRequest("could you @openhands review this?")).toBe(true);
    expect(isReviewRequest("fix the review comments")).toBe(false);
    expect(isReviewRequest("> @openhands review\nwhat did it say?")).toBe(false);
  });

  it("keys a finding by file, side, line and text (whitespace-insensitive)", () => {
    const f = { file: "a.ts", line: 2, side: "new" as const, body: "Why  this?" };
    expect(findingKey(f)).toBe(findingKey({ ...f, file: "./a.ts", body: "Why this?" }));
    expect(findingKey(f)).not.toBe(findingKey({ ...f, line: 3 }));
    expect(findingKey(f)).not.toBe(findingKey({ ...f, side: "old" }));
  });
});
