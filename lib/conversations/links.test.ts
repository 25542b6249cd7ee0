import { describe, expect, it } from "vitest";
import { conversationLinks, triggerWords } from "./links";

const base = { issueIid: null, mergeRequestIid: null, noteId: null, projectPath: "acme/web", pushedBranch: null, mergeRequestUrl: null };

describe("triggerWords", () => {
  it("says where a conversation came from in words", () => {
    expect(triggerWords({ ...base, trigger: "ui" })).toBe("App");
    expect(triggerWords({ ...base, trigger: "api" })).toBe("API");
    expect(triggerWords({ ...base, trigger: "issue", issueIid: 3 })).toBe("Issue #3 label");
    expect(triggerWords({ ...base, trigger: "issue", issueIid: 3, noteId: 9 })).toBe("Issue #3 comment");
    expect(triggerWords({ ...base, trigger: "merge_request", mergeRequestIid: 2, noteId: 9 })).toBe("MR !2 comment");
  });
});

describe("conversationLinks", () => {
  it("links the issue, the comment, the branch and the merge request", () => {
    const links = conversationLinks("https://gitlab.example/", { ...base, trigger: "issue", issueIid: 3, noteId: 41, pushedBranch: "openhands/issue-3-a b", mergeRequestUrl: "https://gitlab.example/acme/web/-/merge_requests/5" });
    expect(links).toEqual({
      repository: "https://gitlab.example/acme/web",
      source: { label: "Issue #3", url: "https://gitlab.example/acme/web/-/issues/3" },
      comment: "https://gitlab.example/acme/web/-/issues/3#note_41",
      branch: { name: "openhands/issue-3-a b", url: "https://gitlab.example/acme/web/-/tree/openhands/issue-3-a%20b" },
      mergeRequest: "https://gitlab.example/acme/web/-/merge_requests/5",
    });
  });

  it("has no source for app and API conversations", () => {
    expect(conversationLinks("https://g", { ...base, trigger: "api" }).source).toBeNull();
  });
});
