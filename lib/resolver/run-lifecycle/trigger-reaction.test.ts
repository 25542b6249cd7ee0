import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Conversation } from "@/db/schema";
import { startSandbox, type Sandbox } from "@gitlab-agent/gitlab-sandbox";
import { gitlabApi } from "@/lib/gitlab/client";
import { addReaction } from "@/lib/gitlab/award-emoji";
import { issueVerdict, markTrigger, mergeRequestVerdict } from "./trigger-reaction";

/**
 * ✅/❌ on the trigger against the GitLab sandbox's award emoji API: repeated (a retried job) it
 * leaves exactly one verdict, takes the app's 👀 back, and never touches anyone else's reactions.
 */

let sandbox: Sandbox;
let bot: ReturnType<typeof gitlabApi>;
let other: ReturnType<typeof gitlabApi>;
let pid: number;
let noteId: number;

const names = async (path: string) => {
  const res = await fetch(`${sandbox.url}/api/v4${path}`, { headers: { "private-token": token.erin } });
  return ((await res.json()) as { name: string; user: { username: string } }[]).map((a) => `${a.user.username}:${a.name}`).sort();
};
const token = { erin: "", zed: "" };

const conversation = (over: Partial<Conversation>): Conversation =>
  ({ id: "c1", projectId: pid, trigger: "issue", issueIid: 1, mergeRequestIid: null, noteId: null, ...over }) as Conversation;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  const seed = await sandbox.seed({
    users: ["erin", "zed"].map((username) => ({ username, personal_access_tokens: [{ name: "t", scopes: ["api"] }] })),
    projects: [{ namespace: "erin", path: "app", members: [{ username: "zed", access_level: 30 }], issues: [{ title: "One", author: "erin" }] }],
  });
  token.erin = seed.users[0]!.personal_access_tokens[0]!.token;
  token.zed = seed.users[1]!.personal_access_tokens[0]!.token;
  pid = seed.projects[0]!.id;
  bot = gitlabApi({ baseUrl: sandbox.url, token: token.erin });
  other = gitlabApi({ baseUrl: sandbox.url, token: token.zed });
  const res = await fetch(`${sandbox.url}/api/v4/projects/${pid}/issues/1/notes`, { method: "POST", headers: { "private-token": token.zed, "content-type": "application/json" }, body: JSON.stringify({ body: "@openhands do it" }) });
  noteId = ((await res.json()) as { id: number }).id;
});

afterAll(async () => {
  await sandbox?.close();
});

describe("marking the trigger with the run's outcome", () => {
  it("a comment trigger: ✅ replaces the app's 👀, once however often it is repeated; others' reactions stay", async () => {
    const target = { type: "issue" as const, projectId: pid, iid: 1, noteId };
    await addReaction(bot, target, "eyes");
    await addReaction(bot, target, "eyes"); // a retried acknowledgment
    await addReaction(other, target, "eyes"); // someone else's 👀
    const conv = conversation({ noteId });
    await markTrigger(bot, conv, "resolved");
    await markTrigger(bot, conv, "resolved");
    expect(await names(`/projects/${pid}/issues/1/notes/${noteId}/award_emoji`)).toEqual(["erin:white_check_mark", "zed:eyes"]);
    // A later run on the same trigger (a follow-up) that fails: one verdict, the new one.
    await markTrigger(bot, conv, "unresolved");
    expect(await names(`/projects/${pid}/issues/1/notes/${noteId}/award_emoji`)).toEqual(["erin:x", "zed:eyes"]);
  });

  it("a label trigger: the verdict goes on the issue itself", async () => {
    await markTrigger(bot, conversation({ noteId: null }), "unresolved");
    await markTrigger(bot, conversation({ noteId: null }), "unresolved");
    expect(await names(`/projects/${pid}/issues/1/award_emoji`)).toEqual(["erin:x"]);
  });

  it("what counts as resolved", () => {
    expect(issueVerdict({ kind: "merge_request", summary: "", mergeRequestUrl: "u", mergeRequestIid: 1, reused: false })).toBe("resolved");
    expect(issueVerdict({ kind: "no_changes", outcome: "answered", summary: "" })).toBe("resolved");
    expect(issueVerdict({ kind: "no_changes", outcome: "not_resolved", summary: "" })).toBe("unresolved");
    expect(issueVerdict({ kind: "push_refused", reason: "r", summary: "", branch: "b" })).toBe("unresolved");
    expect(mergeRequestVerdict({ kind: "pushed", summary: "", branch: "b", sha: "s" })).toBe("resolved");
    expect(mergeRequestVerdict({ kind: "fork_no_push", summary: "", allowCollaboration: false })).toBe("unresolved");
    expect(mergeRequestVerdict({ kind: "failed", reason: "cancelled" })).toBe("unresolved");
  });
});
