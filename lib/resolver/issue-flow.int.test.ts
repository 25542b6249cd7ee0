import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getConversationRow, listConversationRows } from "@/lib/conversations/testing/queries";
import { APP_URL, startHarness, waitFor, type Harness } from "./testing/harness";
import { listDeliveryRows } from "@/lib/webhook-receiver/testing/queries";

/**
 * The issue flow end to end: GitLab (the sandbox) delivers real webhooks to the real route handler,
 * the worker decides and acknowledges, the scripted agent works in a real clone, the app pushes and
 * opens the merge request, and the final comment lands. Assertions are what a user sees on GitLab.
 */

interface Note { id: number; body: string; author: { username: string }; system: boolean }

let h: Harness;
let pid: number;

const SEED = {
  users: ["alice", "gary", "nora", "ohbot"].map((username) => ({ username, bot: username === "ohbot", personal_access_tokens: [{ name: "tests", scopes: ["api"] }] })),
  groups: [{ path: "acme", tier: "premium" as const, members: [{ username: "alice", access_level: 50 }] }],
  projects: [
    {
      namespace: "acme",
      path: "app",
      files: { "README.md": "# App\n" },
      labels: ["openhands"],
      members: [
        { username: "gary", access_level: 10 },
        { username: "nora", access_level: 30 },
        { username: "ohbot", access_level: 30 },
      ],
    },
  ],
};

beforeAll(async () => {
  h = await startHarness(SEED, { link: ["alice", "gary"] });
  pid = h.ids["acme/app"]!;
  await h.install({ resourceType: "project", resourceId: pid, resourcePath: "acme/app" });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

const createIssue = (title: string, description = "") => h.api<{ iid: number }>("alice", "POST", `/projects/${pid}/issues`, { title, description });
const notes = (iid: number) => h.api<Note[]>("alice", "GET", `/projects/${pid}/issues/${iid}/notes?sort=asc&per_page=100`);
const comment = (iid: number, body: string, as = "alice") => h.api<{ id: number }>(as, "POST", `/projects/${pid}/issues/${iid}/notes`, { body });
const marked = (all: Note[], key: string) => all.filter((n) => n.body.includes(`<!-- openhands-agent ${key} -->`));

async function conversationOf(iid: number) {
  return waitFor(`conversation for issue #${iid}`, () => h.conversationFor({ projectId: pid, issueIid: iid }));
}

async function finalOf(iid: number, conversationId: string): Promise<Note> {
  return waitFor(`final comment on #${iid}`, async () => (await notes(iid)).find((n) => n.body.includes(`<!-- openhands-agent final/${conversationId}/`)), 40_000);
}

async function mergeRequestsFor(branch: string) {
  return h.api<{ iid: number; description: string; web_url: string; source_branch: string; target_branch: string }[]>("alice", "GET", `/projects/${pid}/merge_requests?state=opened&source_branch=${encodeURIComponent(branch)}`);
}

describe("issue labelled openhands", () => {
  it("acks with the conversation link, opens an MR with the change and Closes #iid, and posts a summary linking it", async () => {
    const { iid } = await createIssue("Add a greeting", "Please create file hello.txt with content Hello from the agent");
    await h.api("alice", "PUT", `/projects/${pid}/issues/${iid}`, { add_labels: "openhands" });

    const conv = await conversationOf(iid);
    const final = await finalOf(iid, conv.id);
    const all = await notes(iid);
    const acks = marked(all, `ack/${conv.id}`);
    expect(acks).toHaveLength(1);
    expect(acks[0]!.body).toContain(`${APP_URL}/conversations/${conv.id}`);
    const ids = all.map((n) => n.id);
    expect(ids.indexOf(acks[0]!.id)).toBeLessThan(ids.indexOf(final.id));

    const branch = `openhands/issue-${iid}-add-a-greeting`;
    const mrs = await mergeRequestsFor(branch);
    expect(mrs).toHaveLength(1);
    expect(mrs[0]!.target_branch).toBe("main");
    expect(mrs[0]!.description).toContain(`Closes #${iid}`);
    expect(mrs[0]!.description).toContain(`${APP_URL}/conversations/${conv.id}`);
    const file = await fetch(`${h.gl.sandbox.url}/api/v4/projects/${pid}/repository/files/hello.txt/raw?ref=${encodeURIComponent(branch)}`, { headers: { "private-token": h.users.alice!.token } });
    expect(await file.text()).toBe("Hello from the agent\n");

    expect(final.body).toContain(mrs[0]!.web_url);
    expect(final.body).toContain("hello.txt");
    // The final comment is the run's last GitLab call; the terminal status is recorded just after.
    const row = await waitFor("the conversation to finish", async () => {
      const r = await getConversationRow(h.t.handle.db, conv.id);
      return r?.status === "finished" ? r : null;
    });
    expect(row).toMatchObject({ status: "finished", trigger: "issue", mergeRequestUrl: mrs[0]!.web_url, pushedBranch: branch });
  }, 60_000);
});

describe("issue comment starting with @openhands", () => {
  it("adds 👀, acks in the comment's thread, opens the MR, posts the summary and marks the comment ✅", async () => {
    const { iid } = await createIssue("Second file");
    const trigger = await comment(iid, "@openhands create file two.txt with content two");
    const conv = await conversationOf(iid);
    const final = await finalOf(iid, conv.id);

    // 👀 while it ran; when it ends, ✅ takes its place on the triggering comment.
    const awards = async () => (await h.api<{ name: string }[]>("alice", "GET", `/projects/${pid}/issues/${iid}/notes/${trigger.id}/award_emoji`)).map((a) => a.name).join(",");
    await waitFor("✅ instead of 👀 on the trigger", async () => (await awards()) === "white_check_mark", 10_000);
    const discussions = await h.api<{ id: string; notes: Note[] }[]>("alice", "GET", `/projects/${pid}/issues/${iid}/discussions`);
    const thread = discussions.find((d) => d.notes.some((n) => n.id === trigger.id));
    expect(thread?.notes.map((n) => n.id)).toEqual(expect.arrayContaining([marked(thread!.notes, `ack/${conv.id}`)[0]!.id, final.id]));

    const mrs = await mergeRequestsFor(`openhands/issue-${iid}-second-file`);
    expect(mrs).toHaveLength(1);
    expect(mrs[0]!.description).toContain(`Closes #${iid}`);
    expect(final.body).toContain(mrs[0]!.web_url);
  }, 60_000);

  it("a failing run ends with a final comment giving the reason, and no MR", async () => {
    const { iid } = await createIssue("Failing task");
    await comment(iid, "@openhands fail: the tests are red");
    const conv = await conversationOf(iid);
    const final = await finalOf(iid, conv.id);
    expect(final.body).toContain("I could not finish: the tests are red");
    expect(await mergeRequestsFor(`openhands/issue-${iid}-failing-task`)).toHaveLength(0);
  }, 60_000);

  it("a timed-out run ends with a final comment saying so", async () => {
    h.runDeps.timeoutMs = 1_500;
    try {
      const { iid } = await createIssue("Slow task");
      await comment(iid, "@openhands sleep 20");
      const conv = await conversationOf(iid);
      const final = await finalOf(iid, conv.id);
      expect(final.body).toMatch(/I could not finish: the run timed out/);
    } finally {
      h.runDeps.timeoutMs = 30_000;
    }
  }, 60_000);

  it("a second @openhands while the run is active is added to it as a follow-up", async () => {
    const { iid } = await createIssue("Follow up");
    await comment(iid, "@openhands sleep 3");
    const conv = await conversationOf(iid);
    await waitFor("the run to start", async () => (await h.conversationFor({ projectId: pid, issueIid: iid }))?.status === "running");
    await comment(iid, "@openhands create file followup.txt with content later");
    const second = await waitFor("the follow-up's MR", async () => (await mergeRequestsFor(`openhands/issue-${iid}-follow-up`))[0], 40_000);
    const rows = await listConversationRows(h.t.handle.db, { issueIid: iid });
    expect(rows.filter((c) => c.projectId === pid)).toHaveLength(1);
    const all = await notes(iid);
    expect(all.filter((n) => n.body.includes("<!-- openhands-agent followup/"))).toHaveLength(1);
    expect(second.description).toContain(`Closes #${iid}`);
    await waitFor("two final comments", async () => (await notes(iid)).filter((n) => n.body.includes(`final/${conv.id}/`)).length === 2, 40_000);
  }, 90_000);
});

describe("GitLab refusing the push", () => {
  it("ends with a final comment saying GitLab refused the push, and no MR", async () => {
    // What GitLab answers a push its user may not make (a Reporter, or a push rule): 403 on receive-pack.
    await h.gl.control("faults", { path: "^/acme/app\\.git/(info/refs\\?service=git-receive-pack|git-receive-pack)", status: 403, body: "You are not allowed to push code to this project." });
    try {
      const { iid } = await createIssue("Refused push", "create file refused.txt with content nope");
      await h.api("alice", "PUT", `/projects/${pid}/issues/${iid}`, { add_labels: "openhands" });
      const conv = await conversationOf(iid);
      const final = await finalOf(iid, conv.id);
      const branch = `openhands/issue-${iid}-refused-push`;
      expect(final.body).toContain(`GitLab refused the push to \`${branch}\``);
      expect(final.body).toContain("You are not allowed to push code to this project.");
      expect(await mergeRequestsFor(branch)).toHaveLength(0);
      const branches = await h.api<{ name: string }[]>("alice", "GET", `/projects/${pid}/repository/branches`);
      expect(branches.map((b) => b.name)).not.toContain(branch);
      const row = await waitFor("the conversation to end", async () => {
        const r = await getConversationRow(h.t.handle.db, conv.id);
        return r && r.status !== "running" && r.status !== "starting" ? r : null;
      });
      expect(row.pushedBranch).toBeNull();
      expect(row.mergeRequestUrl).toBeNull();
    } finally {
      await fetch(`${h.gl.sandbox.url}/-/sandbox/faults`, { method: "DELETE" });
    }
  }, 60_000);
});

describe("who may trigger", () => {
  it("a Guest's @openhands gets one refusal reply and no run, however often they ask", async () => {
    const { iid } = await createIssue("Guest request");
    await comment(iid, "@openhands create file g.txt", "gary");
    await comment(iid, "@openhands please, create file g.txt", "gary");
    await waitFor("both deliveries refused", async () => {
      const rows = await listDeliveryRows(h.t.handle.db, { outcome: "refused" });
      return rows.filter((r) => (r.payload as { issue?: { iid: number } }).issue?.iid === iid).length === 2;
    });
    const refusals = (await notes(iid)).filter((n) => n.body.includes("openhands-agent refusal/"));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]!.body).toContain("@gary");
    expect(refusals[0]!.body).toContain("you have Guest access");
    expect(await h.conversationFor({ projectId: pid, issueIid: iid })).toBeNull();
  }, 60_000);

  it("a Developer without an account in the app is told to sign in", async () => {
    const { iid } = await createIssue("Unlinked request");
    await comment(iid, "@openhands create file n.txt", "nora");
    const refusal = await waitFor("refusal", async () => (await notes(iid)).find((n) => n.body.includes("openhands-agent refusal/")));
    expect(refusal.body).toContain("@nora");
    expect(refusal.body).toContain(`Sign in with GitLab at ${APP_URL}`);
    expect(await h.conversationFor({ projectId: pid, issueIid: iid })).toBeNull();
  }, 60_000);
});

describe("loop guard and posting identity", () => {
  it("the app's own comments never trigger a run", async () => {
    const { iid } = await createIssue("Marker");
    await comment(iid, "@openhands create file z.txt\n\n<!-- openhands-agent ack/00000000-0000-0000-0000-000000000000 -->");
    const ofIssue = (body: Record<string, unknown>) => (body.issue as { iid?: number } | undefined)?.iid === iid && body.project !== undefined && (body.project as { id?: number }).id === pid;
    await waitFor("the delivery to be recorded", async () => (await h.deliveriesFor(ofIssue)).some((r) => r.outcome === "ignored"));
    expect(await h.conversationFor({ projectId: pid, issueIid: iid })).toBeNull();
    // Every comment the app wrote in this file came back as a delivery, and none triggered.
    await h.gl.sandbox.settleDeliveries();
    const ours = await h.deliveriesFor((body) => String((body.object_attributes as { note?: string } | undefined)?.note ?? "").includes("<!-- openhands-agent"));
    // (ignored at once: no payload kept, issue 13)
    expect(ours.every((r) => r.payload === null)).toBe(true);
    expect(ours.length).toBeGreaterThan(3);
    expect(ours.every((r) => r.outcome === "ignored")).toBe(true);
  }, 60_000);

  it("with GITLAB_BOT_TOKEN the bot writes, and its own notes are ignored by author id", async () => {
    h.configure({ botToken: h.users.ohbot!.token });
    try {
      const { iid } = await createIssue("Bot task", "create file bot.txt with content bot");
      await h.api("alice", "PUT", `/projects/${pid}/issues/${iid}`, { add_labels: "openhands" });
      const conv = await conversationOf(iid);
      const final = await finalOf(iid, conv.id);
      expect(final.author.username).toBe("ohbot");
      expect(marked(await notes(iid), `ack/${conv.id}`)[0]!.author.username).toBe("ohbot");

      await comment(iid, "@openhands create file again.txt", "ohbot");
      const row = await waitFor("the bot's comment to be recorded", async () =>
        (await h.deliveriesFor((body) => (body.object_attributes as { note?: string } | undefined)?.note === "@openhands create file again.txt")).find((r) => r.outcome !== "pending"),
      );
      expect(row).toMatchObject({ outcome: "ignored", reason: "written by the app's own GitLab account" });
    } finally {
      h.configure({});
    }
  }, 60_000);
});
