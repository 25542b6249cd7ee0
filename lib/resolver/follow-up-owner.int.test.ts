import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRuntime } from "@/lib/agent/runtime";
import { listEvents } from "@/lib/conversations/events";
import { getConversationRow, listConversationRows } from "@/lib/conversations/testing/queries";
import { createSecret } from "@/lib/secrets/queries";
import { startHarness, waitFor, type Harness } from "./testing/harness";
import { findUserByUsername } from "@/lib/users/testing/queries";

/**
 * Issue 13, "One owner per run": user B's `@openhands` on user A's running conversation starts B's
 * own conversation, acknowledged on its own and run with B's token and B's secrets. A's secrets never
 * reach B's run. The agent is a real process that asks GitLab who its GITLAB_TOKEN belongs to and
 * prints its environment.
 */

interface Note { id: number; body: string; author: { username: string } }

let h: Harness;
let pid: number;
const A_SECRET = "alice-private-value-0001";
const B_SECRET = "nora-private-value-0002";

const SEED = {
  users: ["alice", "nora"].map((username) => ({ username, personal_access_tokens: [{ name: "tests", scopes: ["api"] }] })),
  projects: [
    {
      namespace: "alice",
      path: "shared",
      files: { "README.md": "# Shared\n" },
      labels: ["openhands"],
      members: [{ username: "nora", access_level: 30 }],
    },
  ],
};

beforeAll(async () => {
  h = await startHarness(SEED, { link: ["alice", "nora"] });
  pid = h.ids["alice/shared"]!;
  await h.install({ resourceType: "project", resourceId: pid, resourcePath: "alice/shared" });
  await createSecret(h.t.handle.db, { userId: h.users.alice!.linked!.userId, name: "ALICE_SECRET", value: A_SECRET });
  await createSecret(h.t.handle.db, { userId: h.users.nora!.linked!.userId, name: "NORA_SECRET", value: B_SECRET });
  // Works for 4 s (long enough for the second comment to arrive), then reports whose token it holds.
  // curl, because it honours the sandbox's HTTP(S)_PROXY (Node 20's fetch does not).
  const whoami = `curl -sS -H "authorization: Bearer $GITLAB_TOKEN" ${h.gl.sandbox.url}/api/v4/user | node -e 'let s="";process.stdin.on("data",(d)=>{s+=d}).on("end",()=>console.log("token of "+JSON.parse(s).username))'`;
  h.runDeps.runtime = createRuntime({ runtime: "command", preset: "custom", customCommand: `sleep 4; env | sort; ${whoami}`, customFormat: "text" });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe("a follow-up from another user on a running conversation", () => {
  it("starts a separate conversation owned by B, run with B's token; A's secrets never appear in B's run", async () => {
    const { iid } = await h.api<{ iid: number }>("alice", "POST", `/projects/${pid}/issues`, { title: "Shared work", description: "Look at it." });
    await h.api("alice", "POST", `/projects/${pid}/issues/${iid}/notes`, { body: "@openhands please look" });
    const first = await waitFor("A's conversation running", async () => {
      const c = await h.conversationFor({ projectId: pid, issueIid: iid });
      return c && c.status === "running" ? c : null;
    });

    await h.api("nora", "POST", `/projects/${pid}/issues/${iid}/notes`, { body: "@openhands and also this" });
    const nora = await findUserByUsername(h.t.handle.db, "nora");
    const second = await waitFor("B's own conversation", async () => {
      const [row] = await listConversationRows(h.t.handle.db, { issueIid: iid, userId: nora!.id });
      return row;
    });
    expect(second.id).not.toBe(first.id);
    expect(first.userId).toBe(h.users.alice!.linked!.userId);

    const done = async (id: string) => {
      const row = await getConversationRow(h.t.handle.db, id);
      return row && ["finished", "failed"].includes(row.status) ? row : null;
    };
    await waitFor("both runs to end", async () => (await done(first.id)) && (await done(second.id)), 40_000);

    const aEvents = JSON.stringify(await listEvents(h.t.handle.db, first.id));
    const bEvents = JSON.stringify(await listEvents(h.t.handle.db, second.id));
    expect(aEvents).toContain("token of alice");
    expect(bEvents).toContain("token of nora");
    expect(bEvents).not.toContain("token of alice");
    // B's run had B's secret (redacted in the timeline) and nothing of A's: neither the value nor the name.
    expect(bEvents).toContain("NORA_SECRET=[redacted]");
    expect(bEvents).not.toContain(A_SECRET);
    expect(bEvents).not.toContain("ALICE_SECRET");
    // A's conversation did not receive B's comment as a follow-up.
    expect(aEvents).not.toContain("and also this");
    expect(bEvents).toContain("and also this");

    // Each got its own acknowledgement on GitLab.
    const notes = await h.api<Note[]>("alice", "GET", `/projects/${pid}/issues/${iid}/notes?per_page=100`);
    // (the marker ends the comment it belongs to; the final comments quote the agent's output, which includes its prompt)
    const endsWith = (marker: string) => notes.filter((n) => n.body.trimEnd().endsWith(`<!-- openhands-agent ${marker} -->`));
    expect(endsWith(`ack/${first.id}`)).toHaveLength(1);
    expect(endsWith(`ack/${second.id}`)).toHaveLength(1);
    expect(notes.filter((n) => /<!-- openhands-agent followup\/[^>]*-->\s*$/.test(n.body))).toHaveLength(0);
  }, 90_000);
});
