import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, waitFor, type Harness } from "./testing/harness";

/**
 * The merge request flow end to end: an `@openhands` comment on an MR (general or inline) gets its
 * answer as a reply in the same thread, and requested changes land as a new commit on the MR's
 * source branch.
 */

interface Note { id: number; body: string; author: { username: string } }
interface Discussion { id: string; notes: Note[] }

let h: Harness;
let pid: number;
let mrIid: number;

beforeAll(async () => {
  h = await startHarness(
    {
      users: [{ username: "alice", personal_access_tokens: [{ name: "tests", scopes: ["api"] }] }],
      groups: [{ path: "acme", tier: "premium", members: [{ username: "alice", access_level: 50 }] }],
      projects: [{ namespace: "acme", path: "app", files: { "README.md": "# App\n" } }],
    },
    { link: ["alice"] },
  );
  pid = h.ids["acme/app"]!;
  await h.gl.sandbox.commitFiles(pid, { branch: "feature", startBranch: "main", files: { "feature.txt": "feature\n" }, message: "Add feature.txt", author: "alice" });
  await h.install({ resourceType: "project", resourceId: pid, resourcePath: "acme/app" });
  const mr = await h.api<{ iid: number }>("alice", "POST", `/projects/${pid}/merge_requests`, { source_branch: "feature", target_branch: "main", title: "Add the feature" });
  mrIid = mr.iid;
}, 60_000);

afterAll(async () => {
  await h?.close();
});

const discussions = () => h.api<Discussion[]>("alice", "GET", `/projects/${pid}/merge_requests/${mrIid}/discussions?per_page=100`);
const threadOf = async (noteId: number) => (await discussions()).find((d) => d.notes.some((n) => n.id === noteId));
const branchSha = async () => (await h.api<{ commit: { id: string } }>("alice", "GET", `/projects/${pid}/repository/branches/feature`)).commit.id;

async function finalReplyIn(noteId: number): Promise<Note> {
  return waitFor(
    "the reply in the comment's thread",
    async () => (await threadOf(noteId))?.notes.find((n) => n.body.includes("<!-- openhands-agent final/")),
    40_000,
  );
}

describe("@openhands on a merge request", () => {
  it("answers a question as a reply in the same thread", async () => {
    const note = await h.api<{ id: number }>("alice", "POST", `/projects/${pid}/merge_requests/${mrIid}/notes`, {
      body: "@openhands what does this change do?\nanswer: It adds feature.txt with one line.",
    });
    const reply = await finalReplyIn(note.id);
    expect(reply.body).toMatch(/^It adds feature\.txt with one line\./);
    const awards = await h.api<{ name: string }[]>("alice", "GET", `/projects/${pid}/merge_requests/${mrIid}/notes/${note.id}/award_emoji`);
    expect(awards.map((a) => a.name)).toContain("eyes");
  }, 60_000);

  it("pushes requested changes as a new commit on the source branch", async () => {
    const before = await branchSha();
    const note = await h.api<{ id: number }>("alice", "POST", `/projects/${pid}/merge_requests/${mrIid}/notes`, { body: "@openhands please append extra line to feature.txt" });
    const reply = await finalReplyIn(note.id);
    const after = await branchSha();
    expect(after).not.toBe(before);
    expect(reply.body).toContain(`pushed ${after.slice(0, 8)} to \`feature\``);
    const file = await fetch(`${h.gl.sandbox.url}/api/v4/projects/${pid}/repository/files/feature.txt/raw?ref=feature`, { headers: { "private-token": h.users.alice!.token } });
    expect(await file.text()).toBe("feature\nextra line\n");
    const mrs = await h.api<unknown[]>("alice", "GET", `/projects/${pid}/merge_requests?state=opened`);
    expect(mrs).toHaveLength(1);
  }, 60_000);

  it("answers an inline diff comment in its own thread", async () => {
    const mr = await h.api<{ diff_refs: { base_sha: string; head_sha: string; start_sha: string } }>("alice", "GET", `/projects/${pid}/merge_requests/${mrIid}`);
    const discussion = await h.api<Discussion>("alice", "POST", `/projects/${pid}/merge_requests/${mrIid}/discussions`, {
      body: "@openhands why this line?\nanswer: Because the feature needs it.",
      position: { position_type: "text", new_path: "feature.txt", old_path: "feature.txt", new_line: 1, ...mr.diff_refs },
    });
    const trigger = discussion.notes[0]!;
    const reply = await finalReplyIn(trigger.id);
    expect(reply.body).toMatch(/^Because the feature needs it\./);
    expect((await threadOf(trigger.id))?.id).toBe(discussion.id);
  }, 60_000);

  it("a mention in a quote or in code does not trigger", async () => {
    const note = await h.api<{ id: number }>("alice", "POST", `/projects/${pid}/merge_requests/${mrIid}/notes`, { body: "> @openhands answer: quoted\n\nand `@openhands` in code" });
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await threadOf(note.id))?.notes).toHaveLength(1);
  }, 30_000);
});
