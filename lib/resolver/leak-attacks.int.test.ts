import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createRuntime } from "@/lib/agent/runtime";
import { listEvents } from "@/lib/conversations/events";
import { startHarness, waitFor, type Harness } from "./testing/harness";

/**
 * Attack 13: the agent cannot print its token (the redactor takes it out of every text), so it
 * writes it into the work the app publishes: a file's content (reversed, so no plain search finds
 * it), and a file's name. The app's own commit would carry both to GitLab. The push is refused, the
 * comment and the timeline say why, the branch never appears on GitLab, and the changed-files list
 * of the timeline does not show the name.
 */

interface Note { id: number; body: string }

let h: Harness;
let pid: number;

const SEED = {
  users: [{ username: "alice", personal_access_tokens: [{ name: "tests", scopes: ["api"] }] }],
  projects: [{ namespace: "alice", path: "smuggle", files: { "README.md": "# Smuggle\n" }, labels: ["openhands"] }],
};

const SMUGGLER = [
  "echo fixed > fixed.txt",
  'printf %s "$GITLAB_TOKEN" | rev > notes.txt',
  'touch "f-$GITLAB_TOKEN.txt"',
  'printf \'{"kind":"message","text":"Done, all fixed."}\\n\'',
].join("; ");

beforeAll(async () => {
  h = await startHarness(SEED, { link: ["alice"] });
  pid = h.ids["alice/smuggle"]!;
  await h.install({ resourceType: "project", resourceId: pid, resourcePath: "alice/smuggle" });
  h.runDeps.runtime = createRuntime({ runtime: "command", preset: "custom", customCommand: SMUGGLER, customFormat: "jsonl" });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe("an agent that hides its token in the files the app pushes", () => {
  it("nothing is pushed, the comment and the timeline say why, and the file name is not shown", async () => {
    const token = h.users.alice!.linked!.tokens.accessToken;
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
    expect(final.body).toContain("contain a secret of this run");
    expect(final.body).toContain("nothing was pushed");

    const branches = await h.api<{ name: string }[]>("alice", "GET", `/projects/${pid}/repository/branches?per_page=100`);
    expect(branches.map((b) => b.name)).toEqual(["main"]);
    expect(await h.api<unknown[]>("alice", "GET", `/projects/${pid}/merge_requests`)).toEqual([]);

    const events = await waitFor("the result", async () => {
      const all = await listEvents(h.t.handle.db, conv.id);
      return all.some((e) => e.event.kind === "result") ? all : null;
    });
    expect(events.some((e) => e.event.kind === "error" && e.event.message.includes("contain a secret of this run"))).toBe(true);
    const result = events.find((e) => e.event.kind === "result")!.event;
    expect(result.kind === "result" && result.changedFiles).toEqual(expect.arrayContaining(["fixed.txt", "f-[redacted].txt"]));
    const all = JSON.stringify(events) + JSON.stringify(notes);
    expect(all).not.toContain(token);
    expect(all).not.toContain([...token].reverse().join(""));
  }, 60_000);

  it("a failed run's comment shows no part of a token cut by the clipping of its message or its stderr tail", async () => {
    const token = h.users.alice!.linked!.tokens.accessToken;
    // The message is clipped at 6000 characters, the stderr tail at 4000: both cuts fall inside the token.
    const CUTTER = [
      `printf '{"kind":"message","text":"%s %s end"}\\n' "$(head -c 5970 /dev/zero | tr '\\0' x)" "$GITLAB_TOKEN"`,
      `printf '%s %s\\n' "$GITLAB_TOKEN" "$(head -c 3970 /dev/zero | tr '\\0' y)" >&2`,
      "exit 1",
    ].join("; ");
    h.runDeps.runtime = createRuntime({ runtime: "command", preset: "custom", customCommand: CUTTER, customFormat: "jsonl" });
    const { iid } = await h.api<{ iid: number }>("alice", "POST", `/projects/${pid}/issues`, { title: "Fail it", description: "Please fail." });
    await h.api("alice", "PUT", `/projects/${pid}/issues/${iid}`, { add_labels: "openhands" });
    const conv = await waitFor("the conversation", () => h.conversationFor({ projectId: pid, issueIid: iid }));
    const final = await waitFor(
      "the final comment",
      async () => (await h.api<Note[]>("alice", "GET", `/projects/${pid}/issues/${iid}/notes?per_page=100`)).find((n) => n.body.includes(`openhands-agent final/${conv.id}/`)) ?? null,
      40_000,
    );
    expect(final.body).toContain("I could not finish");
    expect(final.body).toContain("yyyy");
    for (let i = 0; i + 12 <= token.length; i += 4) expect(final.body).not.toContain(token.slice(i, i + 12));
  }, 60_000);

  it("a directory named after the encoded token: the push is refused, and neither the comment nor the server log shows it", async () => {
    const token = h.users.alice!.linked!.tokens.accessToken;
    const encoded = Buffer.from(`oauth2:${token}`).toString("base64").replace(/[=/+]/g, "");
    // A nested repository without a commit once made the app's `git add` fail, quoting its path. The
    // sandbox now removes nested `.git` directories after the run, so the directory is committed and
    // the push guard refuses it (its name carries the token, encoded).
    const NAMER = ['D="d-$(printf oauth2:%s "$GITLAB_TOKEN" | base64 -w0 | tr -d "=/+")"', 'mkdir "$D"', 'git -C "$D" init -q', 'echo x > "$D/f"', 'printf \'{"kind":"message","text":"Done."}\\n\''].join("; ");
    h.runDeps.runtime = createRuntime({ runtime: "command", preset: "custom", customCommand: NAMER, customFormat: "jsonl" });
    const logged: string[] = [];
    const spies = [vi.spyOn(process.stderr, "write"), vi.spyOn(process.stdout, "write")].map((spy) =>
      spy.mockImplementation((chunk: string | Uint8Array) => (logged.push(String(chunk)), true)),
    );
    try {
      const { iid } = await h.api<{ iid: number }>("alice", "POST", `/projects/${pid}/issues`, { title: "Name it", description: "Please." });
      await h.api("alice", "PUT", `/projects/${pid}/issues/${iid}`, { add_labels: "openhands" });
      const conv = await waitFor("the conversation", () => h.conversationFor({ projectId: pid, issueIid: iid }));
      const final = await waitFor(
        "the final comment",
        async () => (await h.api<Note[]>("alice", "GET", `/projects/${pid}/issues/${iid}/notes?per_page=100`)).find((n) => n.body.includes(`openhands-agent final/${conv.id}/`)) ?? null,
        40_000,
      );
      expect(final.body).toContain("refused");
      expect(final.body).not.toContain(encoded.slice(12, 60));
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    expect(logged.join("")).not.toContain(encoded.slice(12, 60));
  }, 60_000);
});
