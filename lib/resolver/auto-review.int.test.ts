import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setAutoReview } from "@/lib/webhook-installations/auto-review";
import { startHarness, waitFor, type Harness } from "./testing/harness";

/**
 * Opt-in automatic review: nothing happens on a new merge request until an owner turns "review new
 * merge requests" on for the project's group; then opening a ready merge request, or marking a
 * draft ready, posts a review summary, once per head commit. A developer cannot turn it on.
 */

interface Note { id: number; body: string }
interface Discussion { id: string; notes: Note[] }

let h: Harness;
let pid: number;
let groupId: number;

beforeAll(async () => {
  h = await startHarness(
    {
      users: [
        { username: "alice", personal_access_tokens: [{ name: "tests", scopes: ["api"] }] },
        { username: "bob", personal_access_tokens: [{ name: "tests", scopes: ["api"] }] },
      ],
      groups: [{ path: "acme", tier: "premium", members: [{ username: "alice", access_level: 50 }, { username: "bob", access_level: 30 }] }],
      projects: [{ namespace: "acme", path: "app", files: { "README.md": "# App\n" } }],
    },
    { link: ["alice", "bob"] },
  );
  pid = h.ids["acme/app"]!;
  groupId = h.ids.acme!;
  for (const b of ["one", "two", "three"]) {
    await h.gl.sandbox.commitFiles(pid, { branch: b, startBranch: "main", files: { [`${b}.txt`]: `${b}\n` }, message: `Add ${b}`, author: "alice" });
  }
  await h.install({ resourceType: "project", resourceId: pid, resourcePath: "acme/app" });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

const openMr = (branch: string, title: string) => h.api<{ iid: number }>("alice", "POST", `/projects/${pid}/merge_requests`, { source_branch: branch, target_branch: "main", title });
const summaryOf = async (iid: number) =>
  (await h.api<Discussion[]>("alice", "GET", `/projects/${pid}/merge_requests/${iid}/discussions?per_page=100`)).flatMap((d) => d.notes).filter((n) => n.body.includes("<!-- openhands-agent review/summary/"));
// Ignored deliveries keep no payload (issue 13): the delivery is found through what the sandbox sent.
const lastMrDelivery = (iid: number) =>
  waitFor("the merge request delivery to be processed", async () => {
    const rows = await h.deliveriesFor((body) => body.object_kind === "merge_request" && (body.object_attributes as { iid?: number } | undefined)?.iid === iid);
    const row = rows.sort((a, b) => b.receivedAt.getTime() - a.receivedAt.getTime())[0];
    return row && row.outcome !== "pending" ? row : null;
  });

describe("automatic review of new merge requests", () => {
  it("is off by default: opening a merge request starts nothing", async () => {
    const { iid } = await openMr("one", "First change");
    const delivery = await lastMrDelivery(iid);
    expect(delivery).toMatchObject({ outcome: "ignored", reason: "automatic review is off for acme/app (Settings › Integrations)" });
    expect(await h.conversationFor({ projectId: pid, mergeRequestIid: iid })).toBeNull();
  }, 30_000);

  it("only an owner or maintainer may turn it on", async () => {
    const opts = { oauth: h.gl.oauth, concurrency: 2 };
    await expect(setAutoReview(h.t.handle.db, h.users.bob!.linked!.userId, { resource_type: "group", resource_id: groupId, enabled: true }, opts)).rejects.toMatchObject({ status: 403 });
    await expect(setAutoReview(h.t.handle.db, h.users.alice!.linked!.userId, { resource_type: "group", resource_id: groupId, enabled: true }, opts)).resolves.toMatchObject({ auto_review: true });
  });

  it("once on for the group, a new ready merge request gets a review summary", async () => {
    const { iid } = await openMr("two", "Second change");
    const [summary] = await waitFor("the review summary", async () => {
      const notes = await summaryOf(iid);
      return notes.length > 0 ? notes : null;
    }, 40_000);
    expect(summary!.body).toContain("Review by OpenHands");
    expect(summary!.body, summary!.body).toContain("No findings.");
    const conv = await h.conversationFor({ projectId: pid, mergeRequestIid: iid });
    expect(conv?.userId).toBe(h.users.alice!.linked!.userId);
  }, 60_000);

  it("a draft is reviewed when it is marked ready, not before", async () => {
    const { iid } = await openMr("three", "Draft: Third change");
    expect(await lastMrDelivery(iid)).toMatchObject({ outcome: "ignored", reason: expect.stringContaining("(draft) is not a trigger") });
    await h.api("alice", "PUT", `/projects/${pid}/merge_requests/${iid}`, { title: "Third change" });
    await waitFor("the review summary after marking ready", async () => (await summaryOf(iid)).length > 0, 40_000);
  }, 60_000);
});
