import crypto from "node:crypto";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import type { Conversation } from "@/db/schema";
import { createRuntime, type RuntimeConfig } from "@/lib/agent/runtime";
import { processesWithMarker } from "@/lib/agent/testing/sandbox-helpers";
import { createCipherKit } from "@/lib/crypto";
import { connectUser, type ConnectedUser } from "@/lib/gitlab/testing/connected-user";
import { startSandboxFixture, type SandboxFixture } from "@/lib/gitlab/testing/sandbox-fixture";
import { createSecret } from "@/lib/secrets/queries";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { cancelConversation } from "./cancel";
import { appendEvent, listEvents } from "./events";
import { sendFollowUp } from "./follow-up";
import { openConversationMergeRequest, pushConversationBranch } from "./publish";
import { getChanges, getConversation } from "./queries";
import { runConversation, type RunDeps } from "./run";
import { insertConversation } from "./testing/fixtures";

const cipher = createCipherKit({ current: crypto.randomBytes(32).toString("base64") });
const PASSWORD = "correct-horse-battery";
const APP_URL = "http://app.test";
const FAKE_AGENT = resolve(import.meta.dirname, "../agent/testing/fake-agent.mjs");

let tdb: TestDatabase;
let db: Database;
let gl: SandboxFixture;
let ada: ConnectedUser;
let projectId: number;
let workDir: string;
const enqueued: string[] = [];

beforeAll(async () => {
  [tdb, gl] = await Promise.all([
    createTestDatabase(),
    startSandboxFixture({
      users: [{ username: "ada", password: PASSWORD }],
      projects: [{ namespace: "ada", path: "demo", files: { "README.md": "# demo\n" } }],
    }),
  ]);
  db = tdb.handle.db;
  ada = await connectUser(db, gl.oauth, { username: "ada", password: PASSWORD }, { cipher });
  projectId = (await (await fetch(`${gl.sandbox.url}/api/v4/projects/ada%2Fdemo`, { headers: { authorization: `Bearer ${ada.tokens.accessToken}` } })).json() as { id: number }).id;
  workDir = await mkdtemp(join(tmpdir(), "run-int-"));
});

afterAll(async () => {
  await gl?.close();
  await tdb?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

function deps(runtime: RuntimeConfig = { runtime: "scripted" }, overrides: Partial<RunDeps> = {}): RunDeps {
  return {
    oauth: gl.oauth,
    runtime: createRuntime(runtime),
    timeoutMs: 60_000,
    heartbeatMs: 1_000,
    cancelPollMs: 200,
    enqueue: async (id) => void enqueued.push(id),
    appUrl: APP_URL,
    workDir,
    cipher,
    lifecycles: {},
    ...overrides,
  };
}

async function conversationWith(message: string): Promise<Conversation> {
  const c = await insertConversation(db, ada.userId, { projectId, projectPath: "ada/demo", branch: "main", title: message.slice(0, 60) });
  await appendEvent(db, c.id, { kind: "user_message", text: message });
  return c;
}

async function reload(id: string) {
  const c = await getConversation(db, { id, userId: ada.userId });
  if (!c) throw new Error("conversation vanished");
  return c;
}

async function rawFile(path: string, ref: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${gl.sandbox.url}/api/v4/projects/${projectId}/repository/files/${encodeURIComponent(path)}/raw?ref=${encodeURIComponent(ref)}`, {
    headers: { authorization: `Bearer ${ada.tokens.accessToken}` },
  });
  return { status: res.status, text: await res.text() };
}


describe("agent.run with the scripted agent against the GitLab sandbox", () => {
  it("runs a task, keeps the change, then pushes the branch and opens one merge request", async () => {
    const c = await conversationWith("create file hello.txt with content hi");
    const report = await runConversation(db, c.id, deps(), new AbortController().signal);
    expect(report).toEqual({ skipped: false, status: "finished" });
    const done = await reload(c.id);
    expect(done).toMatchObject({ status: "finished", outcome: "resolved", runtime: "scripted", error: null, pushedBranch: null });
    expect(done.summary).toBeTruthy();
    const events = (await listEvents(db, c.id, 0, 1000)).map((e) => e.event);
    const kinds = events.map((e) => e.kind);
    for (const k of ["user_message", "status", "message", "command", "file_edit", "result"]) expect(kinds).toContain(k);
    expect(events.filter((e) => e.kind === "status" && e.status).map((e) => (e.kind === "status" ? e.status : null))).toEqual(["starting", "running", "finished"]);
    expect(events.find((e) => e.kind === "result")).toMatchObject({ outcome: "resolved", changedFiles: ["hello.txt"] });
    expect((await getChanges(db, c.id))?.files).toEqual(["hello.txt"]);
    // Nothing was pushed by the run itself.
    expect((await rawFile("hello.txt", "main")).status).toBe(404);

    const pushed = await pushConversationBranch(db, { id: c.id, userId: ada.userId }, { oauth: gl.oauth, appUrl: APP_URL, workDir, cipher });
    expect(pushed.branch).toMatch(/^openhands\/[0-9a-f]{8}-create-file-hello-txt/);
    expect(pushed.url).toBe(`${gl.sandbox.url}/ada/demo/-/tree/${pushed.branch}`);
    expect(await rawFile("hello.txt", pushed.branch)).toEqual({ status: 200, text: "hi\n" });
    expect(await getChanges(db, c.id)).toBeNull();

    const mr = await openConversationMergeRequest(db, { id: c.id, userId: ada.userId }, { oauth: gl.oauth, appUrl: APP_URL, workDir, cipher });
    expect(mr.reused).toBe(false);
    const again = await openConversationMergeRequest(db, { id: c.id, userId: ada.userId }, { oauth: gl.oauth, appUrl: APP_URL, workDir, cipher });
    expect(again).toMatchObject({ url: mr.url, iid: mr.iid, reused: true });
    const mrs = (await (await fetch(`${gl.sandbox.url}/api/v4/projects/${projectId}/merge_requests?state=opened`, { headers: { authorization: `Bearer ${ada.tokens.accessToken}` } })).json()) as {
      iid: number;
      source_branch: string;
      target_branch: string;
      description: string;
    }[];
    const ours = mrs.filter((m) => m.source_branch === pushed.branch);
    expect(ours).toHaveLength(1);
    expect(ours[0]).toMatchObject({ iid: mr.iid, target_branch: "main" });
    expect(ours[0]?.description).toContain(`${APP_URL}/conversations/${c.id}`);
    expect(await reload(c.id)).toMatchObject({ pushedBranch: pushed.branch, mergeRequestUrl: mr.url });
  });

  it("a follow-up runs again in the same conversation, with the earlier work and the history", async () => {
    const c = await conversationWith("create file notes.txt with content one");
    await runConversation(db, c.id, deps(), new AbortController().signal);
    const follow = await sendFollowUp(db, { conversationId: c.id, userId: ada.userId, message: "append two to notes.txt" }, async (id) => void enqueued.push(id));
    expect(follow.queuedRun).toBe(true);
    expect(follow.conversation.status).toBe("queued");
    expect(enqueued.at(-1)).toBe(c.id);
    expect(await runConversation(db, c.id, deps(), new AbortController().signal)).toEqual({ skipped: false, status: "finished" });
    const pushed = await pushConversationBranch(db, { id: c.id, userId: ada.userId }, { oauth: gl.oauth, appUrl: APP_URL, workDir, cipher });
    expect((await rawFile("notes.txt", pushed.branch)).text).toBe("one\ntwo\n");
    // A third run continues from the pushed branch.
    await sendFollowUp(db, { conversationId: c.id, userId: ada.userId, message: "append three to notes.txt" }, async () => {});
    await runConversation(db, c.id, deps(), new AbortController().signal);
    await pushConversationBranch(db, { id: c.id, userId: ada.userId }, { oauth: gl.oauth, appUrl: APP_URL, workDir, cipher });
    expect((await rawFile("notes.txt", pushed.branch)).text).toBe("one\ntwo\nthree\n");
  });

  it("an answer changes nothing: outcome answered, nothing to push", async () => {
    const c = await conversationWith("answer: the README is one line long");
    await runConversation(db, c.id, deps(), new AbortController().signal);
    expect(await reload(c.id)).toMatchObject({ status: "finished", outcome: "answered", summary: "the README is one line long" });
    await expect(pushConversationBranch(db, { id: c.id, userId: ada.userId }, { oauth: gl.oauth, appUrl: APP_URL, workDir, cipher })).rejects.toMatchObject({ code: "nothing_to_push", status: 409 });
  });

  it("a failing agent ends failed with its reason; a duplicate job for it does nothing", async () => {
    const c = await conversationWith("fail: the tests do not compile");
    await runConversation(db, c.id, deps(), new AbortController().signal);
    expect(await reload(c.id)).toMatchObject({ status: "failed", outcome: "failed", error: "the tests do not compile" });
    expect(await runConversation(db, c.id, deps(), new AbortController().signal)).toEqual({ skipped: true });
  });

  it("a message sent while the run works starts another run right after", async () => {
    const c = await conversationWith("sleep 1\ncreate file a.txt with content a");
    const run = runConversation(db, c.id, deps(), new AbortController().signal);
    await expect.poll(async () => (await reload(c.id)).status, { timeout: 20_000 }).toBe("running");
    const before = enqueued.length;
    const follow = await sendFollowUp(db, { conversationId: c.id, userId: ada.userId, message: "create file b.txt with content b" }, async () => {});
    expect(follow.queuedRun).toBe(false);
    await run;
    expect((await reload(c.id)).status).toBe("queued");
    expect(enqueued.slice(before)).toEqual([c.id]);
    await runConversation(db, c.id, deps(), new AbortController().signal);
    expect((await getChanges(db, c.id))?.files).toEqual(["a.txt", "b.txt"]);
  });

  it("cancel during `sleep 30` ends the run within 2 s as cancelled", async () => {
    const c = await conversationWith("sleep 30");
    const run = runConversation(db, c.id, deps(), new AbortController().signal);
    await expect.poll(async () => (await reload(c.id)).status, { timeout: 20_000 }).toBe("running");
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    await cancelConversation(db, { id: c.id, userId: ada.userId }, { lifecycles: {} });
    await run;
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(await reload(c.id)).toMatchObject({ status: "cancelled" });
    await expect(cancelConversation(db, { id: c.id, userId: ada.userId }, { lifecycles: {} })).rejects.toMatchObject({ status: 409 });
  });

  it("cancel kills every process of the agent's sandbox within 2 s", async () => {
    // The agent has its own PID namespace: its processes are found by a marker in their command line.
    const marker = `3${crypto.randomInt(1e6)}.${crypto.randomInt(1e6)}`;
    const c = await conversationWith("wait");
    const run = runConversation(db, c.id, deps({ runtime: "command", preset: "custom", customCommand: `sleep ${marker} & sleep ${marker} & wait`, customFormat: "text" }), new AbortController().signal);
    const sleeps = async () => (await processesWithMarker(`sleep\0${marker}`)).length;
    await expect.poll(sleeps, { timeout: 20_000 }).toBe(2);
    const t0 = Date.now();
    await cancelConversation(db, { id: c.id, userId: ada.userId }, { lifecycles: {} });
    await expect.poll(() => processesWithMarker(marker), { timeout: 2_000, interval: 50 }).toEqual([]);
    expect(Date.now() - t0).toBeLessThan(2_000);
    await run;
    expect((await reload(c.id)).status).toBe("cancelled");
  });

  it("a run over AGENT_TIMEOUT fails with the reason", async () => {
    const c = await conversationWith("wait");
    await runConversation(db, c.id, { ...deps({ runtime: "command", preset: "custom", customCommand: "sleep 30", customFormat: "text" }), timeoutMs: 2_000 }, new AbortController().signal);
    expect(await reload(c.id)).toMatchObject({ status: "failed", outcome: "timed_out", error: "timed out after 2 s" });
  });

  it("a run that fails after changing files keeps them: listed, pushable, and the reason recorded once", async () => {
    const c = await conversationWith("create file partial.txt with content half done\nfail: the tests do not pass yet");
    await runConversation(db, c.id, deps(), new AbortController().signal);
    expect(await reload(c.id)).toMatchObject({ status: "failed", outcome: "failed", error: "the tests do not pass yet" });
    const events = (await listEvents(db, c.id, 0, 1000)).map((e) => e.event);
    expect(events.find((e) => e.kind === "result")).toMatchObject({ outcome: "failed", changedFiles: ["partial.txt"] });
    // The app adds no "The run failed: …" line of its own: the reason is on the result and the row.
    expect(events.filter((e) => e.kind === "error" && e.message.startsWith("The run failed"))).toHaveLength(0);
    expect((await getChanges(db, c.id))?.files).toEqual(["partial.txt"]);
    const pushed = await pushConversationBranch(db, { id: c.id, userId: ada.userId }, { oauth: gl.oauth, appUrl: APP_URL, workDir, cipher });
    expect((await rawFile("partial.txt", pushed.branch)).text).toBe("half done\n");
  });

  it("a cancelled run is cancelled, not failed, and keeps what it wrote before the cancel", async () => {
    const c = await conversationWith("create file before-cancel.txt with content kept\nsleep 30");
    const run = runConversation(db, c.id, deps(), new AbortController().signal);
    await expect.poll(async () => (await listEvents(db, c.id, 0, 1000)).some((e) => e.event.kind === "file_edit"), { timeout: 20_000 }).toBe(true);
    await cancelConversation(db, { id: c.id, userId: ada.userId }, { lifecycles: {} });
    await run;
    expect(await reload(c.id)).toMatchObject({ status: "cancelled", outcome: "cancelled" });
    expect((await getChanges(db, c.id))?.files).toEqual(["before-cancel.txt"]);
  });

  it("a real subprocess printing JSON lines: events parsed in order, its file committed and pushed", async () => {
    const c = await conversationWith("use the fake agent");
    // The app's directory is not in the agent's sandbox: the fake agent's source travels in the command.
    const source = await readFile(FAKE_AGENT, "utf8");
    const command = `node --input-type=module - exec --json "write made-by-agent.txt from a subprocess" <<'FAKE_AGENT_EOF'\n${source}\nFAKE_AGENT_EOF`;
    await runConversation(db, c.id, deps({ runtime: "command", preset: "custom", customCommand: command, customFormat: "jsonl" }), new AbortController().signal);
    expect(await reload(c.id)).toMatchObject({ status: "finished", outcome: "resolved", summary: "Created made-by-agent.txt." });
    const agentEvents = (await listEvents(db, c.id, 0, 1000)).map((e) => e.event).filter((e) => ["command", "output", "message"].includes(e.kind));
    expect(agentEvents.map((e) => e.kind)).toEqual(expect.arrayContaining(["command", "output", "message"]));
    const cmd = agentEvents.findIndex((e) => e.kind === "command");
    const out = agentEvents.findIndex((e) => e.kind === "output" && e.text.includes("wrote made-by-agent.txt"));
    expect(cmd).toBeGreaterThanOrEqual(0);
    expect(out).toBeGreaterThan(cmd);
    const pushed = await pushConversationBranch(db, { id: c.id, userId: ada.userId }, { oauth: gl.oauth, appUrl: APP_URL, workDir, cipher });
    expect(await rawFile("made-by-agent.txt", pushed.branch)).toEqual({ status: 200, text: "from a subprocess\n" });
  });

  it("the workspace and the agent's home are deleted after every run", async () => {
    expect(await readdir(workDir)).toEqual([]);
  });
});

describe("the agent's environment", () => {
  /**
   * The agent's exact environment, read from outside (/proc/PID/environ) while it runs in its sandbox:
   * it may not write anywhere the test could read afterwards.
   */
  async function runEnvDump(): Promise<{ env: Map<string, string>; recorded: string }> {
    const marker = `3${crypto.randomInt(1e6)}.${crypto.randomInt(1e6)}`;
    const c = await conversationWith("print env");
    const run = runConversation(db, c.id, deps({ runtime: "command", preset: "custom", customCommand: `env; sleep ${marker}; true`, customFormat: "text" }), new AbortController().signal);
    await expect.poll(async () => (await processesWithMarker(`sleep\0${marker}`)).length, { timeout: 20_000 }).toBe(1);
    const [pid] = await processesWithMarker(`sleep\0${marker}`);
    const text = await readFile(`/proc/${pid}/environ`, "utf8");
    process.kill(pid ?? 0, "SIGKILL");
    await run;
    expect((await reload(c.id)).status).toBe("finished");
    const env = new Map(text.split("\0").filter(Boolean).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)] as [string, string]));
    const recorded = JSON.stringify(await listEvents(db, c.id, 0, 1000));
    return { env, recorded };
  }

  it("gets the OAuth token as GITLAB_TOKEN without a custom one, and never the app's secrets", async () => {
    const saved = { DATABASE_URL: process.env.DATABASE_URL, ENCRYPTION_KEY: process.env.ENCRYPTION_KEY, AUTH_SECRET: process.env.AUTH_SECRET };
    Object.assign(process.env, { DATABASE_URL: "postgres://leak@db/app", ENCRYPTION_KEY: "leak-key-0123456789", AUTH_SECRET: "leak-secret-0123456789" });
    try {
      const { env, recorded } = await runEnvDump();
      const token = (await import("@/lib/gitlab/tokens")).getAccessToken(db, ada.userId, { oauth: gl.oauth, cipher });
      expect(env.get("GITLAB_TOKEN")).toBe(await token);
      for (const name of ["DATABASE_URL", "ENCRYPTION_KEY", "AUTH_SECRET"]) expect(env.has(name)).toBe(false);
      // The timeline never holds the token, even though the agent printed it.
      expect(recorded).not.toContain(await token);
      expect(recorded).toContain("GITLAB_TOKEN=[redacted]");
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it("gets the user's custom GITLAB_TOKEN secret instead, and the OAuth token never reaches it", async () => {
    const custom = `glpat-custom-${crypto.randomBytes(8).toString("hex")}`;
    await createSecret(db, { userId: ada.userId, name: "GITLAB_TOKEN", value: custom, description: "reduced scopes" }, { cipher });
    await createSecret(db, { userId: ada.userId, name: "MY_API_KEY", value: "my-api-key-value" }, { cipher });
    try {
      const { env, recorded } = await runEnvDump();
      const oauthToken = await (await import("@/lib/gitlab/tokens")).getAccessToken(db, ada.userId, { oauth: gl.oauth, cipher });
      expect(env.get("GITLAB_TOKEN")).toBe(custom);
      expect(env.get("MY_API_KEY")).toBe("my-api-key-value");
      expect([...env.values()].some((v) => v.includes(oauthToken))).toBe(false);
      expect(recorded).not.toContain(oauthToken);
      expect(recorded).not.toContain(custom);
      expect(recorded).toContain("GITLAB_TOKEN=[redacted]");
      expect(recorded).not.toContain("GitLab OAuth token");
    } finally {
    }
  });
});
