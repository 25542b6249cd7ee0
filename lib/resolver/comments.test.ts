import { describe, expect, it } from "vitest";
import { ackBody, describeFailure, issueFinalBody, mergeRequestReplyBody, refusalBody } from "./comments";
import { hasMarker, isAgentComment, marker, markerKey, withMarker } from "./markers";

const url = "http://app.test/conversations/c1";

describe("comment texts", () => {
  it("the issue ack links the conversation and names the branch", () => {
    const body = ackBody({ noteable: "issue", conversationUrl: url, workBranch: "openhands/issue-1-x" });
    expect(body).toContain(`(${url})`);
    expect(body).toContain("`openhands/issue-1-x`");
  });

  it("every failure kind says what happened", () => {
    expect(describeFailure({ timedOut: true, error: "timed out after 5 s", summary: "" })).toBe("the run timed out (after 5 s)");
    expect(describeFailure({ cancelled: true, summary: "" })).toBe("the run was cancelled");
    expect(describeFailure({ error: "tests are red", summary: "x" })).toBe("tests are red");
    expect(issueFinalBody({ kind: "failed", reason: "the run timed out (after 5 s)" }, url)).toMatch(/^❌ I could not finish: the run timed out/);
    expect(issueFinalBody({ kind: "push_refused", reason: "protected branch", summary: "s", branch: "b" }, url)).toContain("GitLab refused the push to `b`: protected branch");
    expect(issueFinalBody({ kind: "no_changes", outcome: "not_resolved", summary: "no idea" }, url)).toContain("could not resolve this issue");
  });

  it("the final comment of a resolved issue links the merge request", () => {
    const body = issueFinalBody({ kind: "merge_request", summary: "Created a.txt", mergeRequestUrl: "https://gl/mr/4", mergeRequestIid: 4, reused: false }, url);
    expect(body).toContain("opened merge request !4 for this issue: https://gl/mr/4");
    expect(body).toContain("Created a.txt");
  });

  it("MR replies: answer, push and fork", () => {
    expect(mergeRequestReplyBody({ kind: "answer", summary: "It adds X." }, url)).toMatch(/^It adds X\./);
    expect(mergeRequestReplyBody({ kind: "pushed", summary: "s", branch: "feat", sha: "0123456789abcdef" }, url)).toContain("pushed 01234567 to `feat`");
    expect(mergeRequestReplyBody({ kind: "fork_no_push", summary: "s", allowCollaboration: false }, url)).toContain("Allow commits from members who can merge");
    const refused = mergeRequestReplyBody({ kind: "fork_no_push", summary: "s", allowCollaboration: true, branch: "feat", reason: "GitLab refused the push: You are not allowed to push code to this project." }, url);
    expect(refused).toContain("could not push them to `feat` of the fork this merge request comes from: GitLab refused the push: You are not allowed to push code to this project. Only members who can merge");
  });

  it("refusals say why and what to do", () => {
    expect(refusalBody("guest", { kind: "access", levelName: "Guest" })).toContain("Developer role or higher, and you have Guest access");
    expect(refusalBody("x", { kind: "not_linked", appUrl: "http://app.test" })).toContain("Sign in with GitLab at http://app.test");
  });
});

describe("markers", () => {
  it("are invisible HTML comments that name the comment", () => {
    const key = markerKey("ack", "c1");
    const body = withMarker("hello", key);
    expect(body).toBe(`hello\n\n${marker(key)}`);
    expect(hasMarker(body, key)).toBe(true);
    expect(hasMarker(body, markerKey("final", "c1"))).toBe(false);
    expect(isAgentComment(body)).toBe(true);
    expect(isAgentComment("<!-- something else -->")).toBe(false);
  });

  it("refuses keys that could end the HTML comment", () => {
    expect(() => markerKey("ack", "x --> y")).toThrow();
  });
});
