import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRuntime } from "@/lib/agent/runtime";
import { listEvents } from "@/lib/conversations/events";
import { startHarness, waitFor, type Harness } from "./testing/harness";

/**
 * Issue 13, "The app's git runs nothing of the agent's", through a whole run: the agent (a real
 * process) plants `pre-push`, `pre-commit`, `reference-transaction` and `post-commit` hooks and a
 * `core.fsmonitor` in its checkout's .git AND tries the app's git directory next to it (which only an
 * unsandboxed agent could reach), proves the fsmonitor fires for its own git, and writes a file. The app
 * then commits, pushes and opens the merge request: no marker file appears on the host.
 */

let h: Harness;
let pid: number;
let markers: string;

const SEED = {
  users: [{ username: "alice", personal_access_tokens: [{ name: "tests", scopes: ["api"] }] }],
  projects: [{ namespace: "alice", path: "hooked", files: { "README.md": "# Hooked\n" }, labels: ["openhands"] }],
};

function plantingAgent(m: string): string {
  const plant = (gitDir: string) =>
    `mkdir -p ${gitDir}/hooks; for h in pre-push pre-commit reference-transaction post-commit commit-msg; do printf '#!/bin/sh\\ntouch ${m}/%s\\n' "$h" > ${gitDir}/hooks/$h; chmod +x ${gitDir}/hooks/$h; done; ` +
    `git --git-dir=${gitDir} config core.fsmonitor "$PWD/.git/fsmonitor.sh"; git --git-dir=${gitDir} config core.hooksPath ${gitDir}/hooks`;
  return [
    // Inside the sandbox the host's marker directory does not exist, so the fsmonitor proves it fired
    // with a file in the agent's own .git; run on the host, it would leave the marker.
    `printf '#!/bin/sh\\ntouch ${m}/fsmonitor 2>/dev/null || touch "$PWD/.git/fsmonitor-fired"\\n' > .git/fsmonitor.sh; chmod +x .git/fsmonitor.sh`,
    plant(".git"),
    plant("../app.git"),
    // the agent's own git in its checkout does run what it planted: proof that the plant is live
    `git status --short >/dev/null 2>&1; (test -e ${m}/fsmonitor || test -e .git/fsmonitor-fired) && echo PLANTED_FSMONITOR_FIRES; rm -f ${m}/* .git/fsmonitor-fired 2>/dev/null; true`,
    "echo planted > planted.txt",
    'echo \'{"kind":"message","text":"Planted hooks and wrote planted.txt."}\'',
  ].join("; ");
}

beforeAll(async () => {
  markers = await mkdtemp(join(tmpdir(), "host-markers-"));
  h = await startHarness(SEED, { link: ["alice"] });
  pid = h.ids["alice/hooked"]!;
  await h.install({ resourceType: "project", resourceId: pid, resourcePath: "alice/hooked" });
  h.runDeps.runtime = createRuntime({ runtime: "command", preset: "custom", customCommand: plantingAgent(markers), customFormat: "jsonl" });
}, 60_000);

afterAll(async () => {
  await h?.close();
  await rm(markers, { recursive: true, force: true });
});

describe("an agent that plants git hooks and an fsmonitor", () => {
  it("none of them runs during the app's commit and push; the work is still published", async () => {
    const { iid } = await h.api<{ iid: number }>("alice", "POST", `/projects/${pid}/issues`, { title: "Plant", description: "Do it." });
    await h.api("alice", "PUT", `/projects/${pid}/issues/${iid}`, { add_labels: "openhands" });
    const conv = await waitFor("the conversation", () => h.conversationFor({ projectId: pid, issueIid: iid }));
    const mr = await waitFor(
      "the merge request",
      async () => (await h.api<{ source_branch: string }[]>("alice", "GET", `/projects/${pid}/merge_requests?state=opened`))[0],
      40_000,
    );
    await waitFor("the run to end", async () => (await h.conversationFor({ projectId: pid, issueIid: iid }))?.status === "finished", 40_000);

    const events = JSON.stringify(await listEvents(h.t.handle.db, conv.id));
    expect(events).toContain("PLANTED_FSMONITOR_FIRES");
    // The app committed and pushed the agent's file…
    const raw = await fetch(`${h.gl.sandbox.url}/api/v4/projects/${pid}/repository/files/planted.txt/raw?ref=${encodeURIComponent(mr.source_branch)}`, { headers: { "private-token": h.users.alice!.token } });
    expect(await raw.text()).toBe("planted\n");
    // …and nothing the agent planted ran on the host meanwhile.
    expect(await readdir(markers)).toEqual([]);
  }, 60_000);
});
