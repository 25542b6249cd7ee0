import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listEvents } from "@/lib/conversations/events";
import { listConversationRows } from "@/lib/conversations/testing/queries";
import { startHarness, waitFor, type Harness } from "./testing/harness";
import { listDeliveryRows } from "@/lib/webhook-receiver/testing/queries";

/**
 * The merge request flow end to end: an `@openhands` comment on an MR (general or inline) gets its
 * answer as a reply in the same thread, and requested changes land as a new commit on the MR's
 * source branch. For an MR from a fork, the agent works on the fork's branch: it pushes there when
 * the MR allows collaboration (the commenter maintains the target), and otherwise says why not.
 */

interface Note { id: number; body: string; author: { username: string } }
interface Discussion { id: string; notes: Note[] }

let h: Harness;
let pid: number;
let mrIid: number;
let webId: number;
let forkId: number;
let collabIid: number;
let soloIid: number;

beforeAll(async () => {
  h = await startHarness(
    {
      users: [
        { username: "alice", personal_access_tokens: [{ name: "tests", scopes: ["api"] }] },
        { username: "bob", personal_access_tokens: [{ name: "tests", scopes: ["api"] }] },
      ],
      groups: [{ path: "acme", tier: "premium", members: [{ username: "alice", access_level: 50 }] }],
      projects: [
        { namespace: "acme", path: "app", files: { "README.md": "# App\n" } },
        // Collaboration on a fork MR needs both projects to be non-private (GitLab's rule).
        { namespace: "acme", path: "web", visibility: "internal", files: { "README.md": "# Web\n" } },
        { namespace: "bob", path: "web", visibility: "internal", forked_from: "acme/web" },
      ],
    },
    { link: ["alice"] },
  );
  pid = h.ids["acme/app"]!;
  await h.gl.sandbox.commitFiles(pid, { branch: "feature", startBranch: "main", files: { "feature.txt": "feature\n" }, message: "Add feature.txt", author: "alice" });
  await h.install({ resourceType: "project", resourceId: pid, resourcePath: "acme/app" });
  const mr = await h.api<{ iid: number }>("alice", "POST", `/projects/${pid}/merge_requests`, { source_branch: "feature", target_branch: "main", title: "Add the feature" });
  mrIid = mr.iid;

  webId = h.ids["acme/web"]!;
  forkId = h.ids["bob/web"]!;
  await h.gl.sandbox.commitFiles(forkId, { branch: "collab", startBranch: "main", files: { "fork.txt": "from the fork\n" }, message: "Add fork.txt", author: "bob" });
  await h.gl.sandbox.commitFiles(forkId, { branch: "solo", startBranch: "main", files: { "solo.txt": "solo work\n" }, message: "Add solo.txt", author: "bob" });
  await h.install({ resourceType: "project", resourceId: webId, resourcePath: "acme/web" });
  const fromFork = (branch: string, allow: boolean) =>
    h.api<{ iid: number }>("bob", "POST", `/projects/${forkId}/merge_requests`, { source_branch: branch, target_branch: "main", target_project_id: webId, title: `From the fork: ${branch}`, allow_collaboration: allow });
  collabIid = (await fromFork("collab", true)).iid;
  soloIid = (await fromFork("solo", false)).iid;
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
    // 👀 while it ran; an answered question ends with ✅ in its place.
    const awards = async () => (await h.api<{ name: string }[]>("alice", "GET", `/projects/${pid}/merge_requests/${mrIid}/notes/${note.id}/award_emoji`)).map((a) => a.name).join(",");
    await waitFor("✅ instead of 👀 on the question", async () => (await awards()) === "white_check_mark", 10_000);
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

  it("a second @openhands while the MR's conversation is running is added to it, not a new conversation", async () => {
    const mrConversations = async () => (await listConversationRows(h.t.handle.db, { projectId: pid })).filter((c) => c.mergeRequestIid === mrIid);
    const before = (await mrConversations()).length;
    const first = await h.api<{ id: number }>("alice", "POST", `/projects/${pid}/merge_requests/${mrIid}/notes`, { body: "@openhands sleep 3" });
    const conv = await waitFor("the conversation", async () => (await mrConversations()).find((c) => c.noteId === first.id));
    await waitFor("the run to start", async () => (await mrConversations()).find((c) => c.id === conv.id)?.status === "running");

    const second = await h.api<{ id: number }>("alice", "POST", `/projects/${pid}/merge_requests/${mrIid}/notes`, { body: "@openhands append follow-up line to feature.txt" });
    // Told in its own thread that it was taken, once.
    const ack = await waitFor("the follow-up reply", async () => (await threadOf(second.id))?.notes.find((n) => n.body.includes("<!-- openhands-agent followup/")));
    expect(ack.body).toContain(`/conversations/${conv.id}`);
    const delivery = await waitFor("the follow-up delivery", async () => {
      const rows = await listDeliveryRows(h.t.handle.db);
      return rows.find((r) => (r.payload as { object_attributes?: { id?: number } } | null)?.object_attributes?.id === second.id && r.outcome !== "pending");
    });
    expect(delivery).toMatchObject({ outcome: "triggered", conversationId: conv.id });

    // The same conversation does the follow-up: its change lands on the source branch.
    await waitFor(
      "the follow-up's commit",
      async () => {
        const res = await fetch(`${h.gl.sandbox.url}/api/v4/projects/${pid}/repository/files/feature.txt/raw?ref=feature`, { headers: { "private-token": h.users.alice!.token } });
        return (await res.text()).includes("follow-up line\n");
      },
      40_000,
    );
    await waitFor("the conversation to end", async () => (await mrConversations()).find((c) => c.id === conv.id)?.status === "finished", 40_000);
    expect((await mrConversations()).length).toBe(before + 1);
    expect((await threadOf(second.id))?.notes.filter((n) => n.body.includes("<!-- openhands-agent followup/"))).toHaveLength(1);
    const finals = (await discussions()).flatMap((d) => d.notes).filter((n) => n.body.includes(`<!-- openhands-agent final/${conv.id}/`));
    expect(finals.length).toBeGreaterThanOrEqual(1);
    expect(finals.some((n) => n.body.includes("pushed"))).toBe(true);
  }, 90_000);

  it("a mention in a quote or in code does not trigger", async () => {
    const note = await h.api<{ id: number }>("alice", "POST", `/projects/${pid}/merge_requests/${mrIid}/notes`, { body: "> @openhands answer: quoted\n\nand `@openhands` in code" });
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await threadOf(note.id))?.notes).toHaveLength(1);
  }, 30_000);
});

describe("@openhands on a merge request from a fork", () => {
  const threadIn = async (iid: number, noteId: number) =>
    (await h.api<Discussion[]>("alice", "GET", `/projects/${webId}/merge_requests/${iid}/discussions?per_page=100`)).find((d) => d.notes.some((n) => n.id === noteId));
  const replyIn = (iid: number, noteId: number) =>
    waitFor("the reply in the comment's thread", async () => (await threadIn(iid, noteId))?.notes.find((n) => n.body.includes("<!-- openhands-agent final/")), 40_000);
  const comment = (iid: number, body: string) => h.api<{ id: number }>("alice", "POST", `/projects/${webId}/merge_requests/${iid}/notes`, { body });
  const forkBranch = async (branch: string) => (await h.api<{ commit: { id: string } }>("alice", "GET", `/projects/${forkId}/repository/branches/${branch}`)).commit.id;
  const targetHasBranch = async (branch: string) =>
    (await fetch(`${h.gl.sandbox.url}/api/v4/projects/${webId}/repository/branches/${branch}`, { headers: { "private-token": h.users.alice!.token } })).status === 200;
  const forkFile = async (branch: string, path: string) =>
    (await fetch(`${h.gl.sandbox.url}/api/v4/projects/${forkId}/repository/files/${path}/raw?ref=${branch}`, { headers: { "private-token": h.users.alice!.token } })).text();

  it("the sandbox presents the MR as GitLab does", async () => {
    const mr = await h.api<{ source_project_id: number; target_project_id: number; allow_collaboration: boolean }>("alice", "GET", `/projects/${webId}/merge_requests/${collabIid}`);
    expect(mr).toMatchObject({ source_project_id: forkId, target_project_id: webId, allow_collaboration: true });
    const fork = await h.api<{ forked_from_project?: { id: number } }>("alice", "GET", `/projects/${forkId}`);
    expect(fork.forked_from_project?.id).toBe(webId);
  });

  it("with collaboration allowed, pushes the requested change to the fork's source branch", async () => {
    const before = await forkBranch("collab");
    const note = await comment(collabIid, "@openhands please append extra line to fork.txt");
    const reply = await replyIn(collabIid, note.id);
    const after = await forkBranch("collab");
    expect(after).not.toBe(before);
    expect(reply.body).toContain(`pushed ${after.slice(0, 8)} to \`collab\``);
    expect(await forkFile("collab", "fork.txt")).toBe("from the fork\nextra line\n");
    expect(await targetHasBranch("collab")).toBe(false);
    await waitFor("the MR head to follow the push", async () => (await h.api<{ sha: string }>("alice", "GET", `/projects/${webId}/merge_requests/${collabIid}`)).sha === after, 10_000);
  }, 60_000);

  it("answers a question from the fork's code", async () => {
    const note = await comment(soloIid, "@openhands what is in solo.txt?\nrun: cat solo.txt\nanswer: It holds the fork's solo work.");
    const reply = await replyIn(soloIid, note.id);
    expect(reply.body).toContain("It holds the fork's solo work.");
    expect(reply.body).not.toContain("I made changes");
    const conv = await h.conversationFor({ projectId: webId, mergeRequestIid: soloIid });
    const events = await listEvents(h.t.handle.db, conv!.id);
    expect(events.some((e) => e.event.kind === "status" && e.event.text === "Cloning bob/web at solo")).toBe(true);
    expect(events.some((e) => e.event.kind === "output" && e.event.text.includes("solo work"))).toBe(true);
  }, 60_000);

  it("without collaboration, pushes nothing and explains why", async () => {
    const before = await forkBranch("solo");
    const note = await comment(soloIid, "@openhands please append more to solo.txt");
    const reply = await replyIn(soloIid, note.id);
    expect(reply.body).toContain("comes from a fork that does not allow commits from members of the target project");
    expect(reply.body).toContain("Allow commits from members who can merge to the target branch");
    expect(await forkBranch("solo")).toBe(before);
    expect(await targetHasBranch("solo")).toBe(false);
  }, 60_000);
});
