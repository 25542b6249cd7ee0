import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRuntime } from "@/lib/agent/runtime";
import { listEvents } from "@/lib/conversations/events";
import { startHarness, waitFor, type Harness } from "./testing/harness";

/**
 * Issue 13, "Redact before anything leaves": a real agent process (the `custom` preset, a shell
 * command) prints the GITLAB_TOKEN it was given in its final message, plain and base64 (also as the
 * `oauth2:<token>` pair of a Basic header). Nothing the app writes on GitLab carries it, nor does the
 * stored timeline, and the token still works afterwards: it was hidden, not revoked.
 */

interface Note { id: number; body: string }

let h: Harness;
let pid: number;

const SEED = {
  users: [{ username: "alice", personal_access_tokens: [{ name: "tests", scopes: ["api"] }] }],
  projects: [{ namespace: "alice", path: "leaky", files: { "README.md": "# Leaky\n" }, labels: ["openhands"] }],
};

// The agent's last JSON line is its final message: the token plain, base64, and base64 of oauth2:<token>.
const LEAKY_AGENT = [
  "echo fixed > fixed.txt",
  'B=$(printf %s "$GITLAB_TOKEN" | base64 -w0)',
  'P=$(printf oauth2:%s "$GITLAB_TOKEN" | base64 -w0)',
  'printf \'{"kind":"message","text":"Done. Token %s, base64 %s, basic %s"}\\n\' "$GITLAB_TOKEN" "$B" "$P"',
].join("; ");

beforeAll(async () => {
  h = await startHarness(SEED, { link: ["alice"] });
  pid = h.ids["alice/leaky"]!;
  await h.install({ resourceType: "project", resourceId: pid, resourcePath: "alice/leaky" });
  h.runDeps.runtime = createRuntime({ runtime: "command", preset: "custom", customCommand: LEAKY_AGENT, customFormat: "jsonl" });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe("an agent's final message with its token, plain and base64", () => {
  it("the GitLab comment and the MR description contain neither, and the token still works", async () => {
    const token = h.users.alice!.linked!.tokens.accessToken;
    const forms = [token, Buffer.from(token).toString("base64").replace(/=+$/, ""), Buffer.from(`oauth2:${token}`).toString("base64").replace(/=+$/, "")];
    const { iid } = await h.api<{ iid: number }>("alice", "POST", `/projects/${pid}/issues`, { title: "Fix it", description: "Please fix it." });
    await h.api("alice", "PUT", `/projects/${pid}/issues/${iid}`, { add_labels: "openhands" });

    const conv = await waitFor("the conversation", () => h.conversationFor({ projectId: pid, issueIid: iid }));
    const notes = await waitFor(
      "the final comment",
      async () => {
        const all = await h.api<Note[]>("alice", "GET", `/projects/${pid}/issues/${iid}/notes?per_page=100`);
        return all.some((n) => n.body.includes(`openhands-agent final/${conv.id}/`)) ? all : null;
      },
      40_000,
    );
    const final = notes.find((n) => n.body.includes(`openhands-agent final/${conv.id}/`))!;
    expect(final.body).toContain("Done. Token [redacted], base64 [redacted], basic [redacted]\n");

    const mrs = await h.api<{ iid: number; title: string; description: string; source_branch: string }[]>("alice", "GET", `/projects/${pid}/merge_requests?state=opened`);
    expect(mrs).toHaveLength(1);
    expect(mrs[0]!.description).toContain("Done. Token [redacted]");
    const branch = await h.api<{ commit: { message: string } }>("alice", "GET", `/projects/${pid}/repository/branches/${encodeURIComponent(mrs[0]!.source_branch)}`);
    const events = JSON.stringify(await listEvents(h.t.handle.db, conv.id));

    for (const form of forms) {
      for (const n of notes) expect(n.body).not.toContain(form);
      expect(mrs[0]!.title).not.toContain(form);
      expect(mrs[0]!.description).not.toContain(form);
      expect(branch.commit.message).not.toContain(form);
      expect(events).not.toContain(form);
    }

    // Not revoked to hide the leak: the token still answers a real API call.
    const me = await fetch(`${h.gl.sandbox.url}/api/v4/user`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { username: string }).username).toBe("alice");
  }, 60_000);
});
