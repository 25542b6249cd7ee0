// The sandbox through @gitbeaker/rest, the client the app uses: pagination across pages without
// looping, hooks, notes, discussion replies, merge requests, inline notes and award emoji.
import { Gitlab } from "@gitbeaker/rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "./index";
import { arr, obj } from "./test-support";

let sandbox: Sandbox;
let api: InstanceType<typeof Gitlab>;
let projectId = 0;

beforeAll(async () => {
  sandbox = await startSandbox();
  const many = Array.from({ length: 249 }, (_, i) => ({ namespace: "gus", path: `repo-${String(i).padStart(3, "0")}` }));
  const seed = await sandbox.seed({
    users: [{ username: "gus" }, { username: "hana" }],
    projects: [
      { namespace: "gus", path: "shop", files: { "README.md": "# Shop\n", "src/cart.js": "export const total = (xs) => xs.length;\n" }, members: [{ username: "hana", access_level: 30 }], issues: [{ title: "Cart total is wrong", author: "hana" }] },
      ...many,
    ],
    oauth_applications: [{ name: "Agent", redirect_uri: "http://localhost/cb", scopes: "api" }],
  });
  projectId = seed.projects[0]!.id;
  const minted = await fetch(`${sandbox.url}/-/sandbox/oauth/tokens`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ username: "gus", scopes: ["api"] }) });
  api = new Gitlab({ host: sandbox.url, oauthToken: String(obj(await minted.json()).access_token) });
});

afterAll(async () => {
  await sandbox?.close();
});

describe("@gitbeaker/rest against the sandbox", () => {
  it("lists 250 projects across three pages and stops", async () => {
    sandbox.resetRequestStats();
    const projects = await api.Projects.all({ membership: true, perPage: 100 });
    expect(projects).toHaveLength(250);
    expect(new Set(projects.map((p) => p.id)).size).toBe(250);
    expect(sandbox.requestStats().by_route["GET /projects"]).toBe(3);
  });

  it("creates, lists and deletes project hooks", async () => {
    const hook = await api.ProjectHooks.add(projectId, "http://127.0.0.1:9/hook", { issuesEvents: true, noteEvents: true, token: "t0ken" });
    expect(hook.issues_events).toBe(true);
    expect(hook).not.toHaveProperty("token");
    expect((await api.ProjectHooks.all(projectId)).map((h) => h.id)).toContain(hook.id);
    await api.ProjectHooks.remove(projectId, hook.id);
    expect(await api.ProjectHooks.all(projectId)).toEqual([]);
  });

  it("posts issue notes, discussions and replies, and awards an emoji", async () => {
    const note = await api.IssueNotes.create(projectId, 1, "A plain comment");
    expect(note.body).toBe("A plain comment");
    const thread = await api.IssueDiscussions.create(projectId, 1, "Start a thread");
    const reply = await api.IssueDiscussions.addNote(projectId, 1, String(thread.id), "A reply");
    expect(reply.type).toBe("DiscussionNote");
    const shown = await api.IssueDiscussions.show(projectId, 1, String(thread.id));
    expect(arr(obj(shown).notes).map((n) => obj(n).body)).toEqual(["Start a thread", "A reply"]);
    const award = await api.IssueNoteAwardEmojis.award(projectId, 1, note.id, "thumbsup");
    expect(award.name).toBe("thumbsup");
    await expect(api.IssueNoteAwardEmojis.award(projectId, 1, note.id, "thumbsup")).rejects.toThrow();
    const notes = await api.IssueNotes.all(projectId, 1);
    expect(notes.map((n) => n.body)).toEqual(expect.arrayContaining(["A plain comment", "Start a thread", "A reply"]));
  });

  it("opens a merge request from a branch, refuses a duplicate, and takes an inline note", async () => {
    await sandbox.commitFiles(projectId, { branch: "fix-total", startBranch: "main", files: { "src/cart.js": "export const total = (xs) => xs.reduce((a, x) => a + x, 0);\n" }, message: "Sum the cart" });
    const mr = await api.MergeRequests.create(projectId, "fix-total", "main", "Sum the cart");
    expect(mr.state).toBe("opened");
    const refs = obj(obj(mr).diff_refs);
    expect(refs.head_sha).toMatch(/^[0-9a-f]{40}$/);
    await expect(api.MergeRequests.create(projectId, "fix-total", "main", "Again")).rejects.toMatchObject({ cause: { response: { status: 409 } } });
    await expect(api.MergeRequests.create(projectId, "no-such-branch", "main", "Nope")).rejects.toThrow();
    const diffs = await api.MergeRequests.allDiffs(projectId, mr.iid);
    expect(diffs.map((d) => d.new_path)).toEqual(["src/cart.js"]);
    expect(diffs[0]?.diff).toMatch(/^@@ -1 \+1 @@/);
    const inline = await api.MergeRequestDiscussions.create(projectId, mr.iid, "Use a fold?", {
      position: { baseSha: String(refs.base_sha), startSha: String(refs.start_sha), headSha: String(refs.head_sha), positionType: "text", newPath: "src/cart.js", oldPath: "src/cart.js", newLine: "1" },
    });
    expect(inline.notes?.[0]?.type).toBe("DiffNote");
    const mrs = await api.MergeRequests.all({ projectId, sourceBranch: "fix-total", state: "opened" });
    expect(mrs.map((m) => m.iid)).toEqual([mr.iid]);
  });
});
