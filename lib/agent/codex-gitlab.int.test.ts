import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startModelSandbox, type ModelSandbox } from "@gitlab-agent/model-sandbox";
import { cancelConversation } from "@/lib/conversations/cancel";
import { runLifecycles } from "@/lib/resolver/run-lifecycle";
import { getAccessToken } from "@/lib/gitlab/tokens";
import { APP_URL, startHarness, type Harness } from "@/lib/resolver/testing/harness";
import { createSecret } from "@/lib/secrets/queries";
import { createRuntime } from "./runtime";
import { gitlabFlow } from "./testing/gitlab-flow";
import { descendants, stillRunning, waitFor as poll } from "./testing/process-tree";

/**
 * Issue 9 end to end: a GitLab issue labelled `openhands` is resolved by the REAL Codex CLI (the
 * `codex` preset of the command runtime), whose model is the model sandbox. The GitLab sandbox
 * delivers real webhooks, the worker acknowledges, Codex runs real commands in a real clone, the app
 * pushes and opens the merge request, and the final comment carries Codex's last message.
 */

const KEY_ENV = "CODEX_FLOW_TEST_MODEL_KEY";
const MODEL_KEY = "sk-codex-flow-5151";

let h: Harness;
let model: ModelSandbox;
let pid: number;
let savedKey: string | undefined;

const SEED = {
  users: [{ username: "alice", personal_access_tokens: [{ name: "tests", scopes: ["api"] }] }],
  groups: [{ path: "acme", tier: "premium" as const, members: [{ username: "alice", access_level: 50 }] }],
  projects: [{ namespace: "acme", path: "site", files: { "README.md": "# Site\n" }, labels: ["openhands"] }],
};

beforeAll(async () => {
  savedKey = process.env[KEY_ENV];
  process.env[KEY_ENV] = MODEL_KEY;
  [h, model] = await Promise.all([startHarness(SEED, { link: ["alice"] }), startModelSandbox({ apiKey: MODEL_KEY })]);
  pid = h.ids["acme/site"]!;
  await h.install({ resourceType: "project", resourceId: pid, resourcePath: "acme/site" });
  // Production's agent.run, with the codex preset pointed at the model sandbox.
  h.runDeps.runtime = createRuntime({ runtime: "command", preset: "codex", model: { baseUrl: model.baseUrl, model: "sandbox-model", apiKeyEnv: KEY_ENV, maxRetries: 1 } });
}, 60_000);

afterAll(async () => {
  await h?.close();
  await model?.close();
  if (savedKey === undefined) delete process.env[KEY_ENV];
  else process.env[KEY_ENV] = savedKey;
});

const flow = () => gitlabFlow(h, "alice", pid);
const createIssue = (title: string, description = "") => flow().createIssue(title, description);
const comment = (iid: number, body: string) => flow().comment(iid, body);
const conversationOf = (iid: number) => flow().conversationOf(iid);
const finalOf = (iid: number, conversationId: string) => flow().finalOf(iid, conversationId);
const settled = (conversationId: string) => flow().settled(conversationId);
const timeline = (conversationId: string) => flow().timeline(conversationId);

describe("an issue resolved by the real Codex CLI", () => {
  it("acks, shows Codex's command with its output, opens an MR with docs/hello.md, and posts Codex's last message", async () => {
    const { iid } = await createIssue("Say hello", "create file docs/hello.md with content Hello from Codex");
    await h.api("alice", "PUT", `/projects/${pid}/issues/${iid}`, { add_labels: "openhands" });

    // 1-2. The ack comment appears, linking the conversation.
    const conv = await conversationOf(iid);
    const ack = await flow().ackOf(iid, conv.id);
    expect(ack.body).toContain(`${APP_URL}/conversations/${conv.id}`);

    // 5. The final comment carries Codex's last message.
    const final = await finalOf(iid, conv.id);
    const row = await settled(conv.id);
    expect(row).toMatchObject({ status: "finished", outcome: "resolved", runtime: "command:codex" });
    expect(row.summary).toBe("Done. Created `docs/hello.md`.");
    expect(final.body).toContain("Done. Created `docs/hello.md`.");

    // 3. The timeline shows Codex's command with its output.
    const events = await timeline(conv.id);
    const command = events.find((e) => e.kind === "command" && e.command.includes("cat > docs/hello.md"));
    expect(command).toBeDefined();
    const commandId = command?.kind === "command" ? command.id : "";
    expect(events).toContainEqual(expect.objectContaining({ kind: "output", commandId, exitCode: 0 }));
    expect(events).toContainEqual({ kind: "message", text: "Done. Created `docs/hello.md`." });
    expect(events).toContainEqual(expect.objectContaining({ kind: "result", outcome: "resolved", changedFiles: ["docs/hello.md"] }));

    // 4. An MR exists whose branch holds docs/hello.md with that content, and the final comment links it.
    const branch = `openhands/issue-${iid}-say-hello`;
    const mrs = await h.api<{ web_url: string; source_branch: string }[]>("alice", "GET", `/projects/${pid}/merge_requests?state=opened&source_branch=${encodeURIComponent(branch)}`);
    expect(mrs).toHaveLength(1);
    const file = await fetch(`${h.gl.sandbox.url}/api/v4/projects/${pid}/repository/files/${encodeURIComponent("docs/hello.md")}/raw?ref=${encodeURIComponent(branch)}`, { headers: { "private-token": h.users.alice!.token } });
    expect(file.status).toBe(200);
    expect(await file.text()).toBe("Hello from Codex\n");
    expect(final.body).toContain(mrs[0]!.web_url);

    // Codex really talked to the model sandbox, with the key from the app's environment.
    expect(model.requests().length).toBeGreaterThanOrEqual(2);
    expect(model.requests().every((r) => r.authorization === `Bearer ${MODEL_KEY}`)).toBe(true);
  }, 90_000);

  it("ends as failed, with a final comment saying the model endpoint failed, when every model request fails", async () => {
    model.setMode("fail");
    try {
      const { iid } = await createIssue("Endpoint down");
      await comment(iid, "@openhands create file down.txt with content nope");
      const conv = await conversationOf(iid);
      const final = await finalOf(iid, conv.id);
      expect(final.body).toContain("I could not finish: The model endpoint failed: unexpected status 503 Service Unavailable");
      expect(await settled(conv.id)).toMatchObject({ status: "failed", outcome: "failed", error: expect.stringContaining("The model endpoint failed") });
      const mrs = await h.api<unknown[]>("alice", "GET", `/projects/${pid}/merge_requests?state=opened&source_branch=${encodeURIComponent(`openhands/issue-${iid}-endpoint-down`)}`);
      expect(mrs).toHaveLength(0);
    } finally {
      model.setMode("ok");
    }
  }, 90_000);

  it("`run: env` through Codex shows the user's secrets (redacted in the timeline) and none of the app's", async () => {
    const db = h.t.handle.db;
    const userId = h.users.alice!.linked!.userId;
    await createSecret(db, { userId, name: "MY_SECRET", value: "my-custom-secret-value" });
    await createSecret(db, { userId, name: "GITLAB_TOKEN", value: "glpat-custom-flow-token" });
    const oauthToken = await getAccessToken(db, userId, { oauth: h.gl.oauth });
    const saved = { DATABASE_URL: process.env.DATABASE_URL, ENCRYPTION_KEY: process.env.ENCRYPTION_KEY, AUTH_SECRET: process.env.AUTH_SECRET };
    Object.assign(process.env, { DATABASE_URL: "postgres://leak:leak-db-password@db/app", ENCRYPTION_KEY: "leak-encryption-key-0123", AUTH_SECRET: "leak-auth-secret-0123" });
    try {
      const { iid } = await createIssue("Print the environment");
      await comment(iid, "@openhands run: env");
      const conv = await conversationOf(iid);
      await finalOf(iid, conv.id);
      const events = await timeline(conv.id);
      const output = events.map((e) => (e.kind === "output" ? e.text : "")).join("\n");
      // Codex's command saw both secrets: the timeline shows where each value was (never the value).
      expect(output).toContain("MY_SECRET=[redacted]");
      expect(output).toContain("GITLAB_TOKEN=[redacted]");
      const recorded = JSON.stringify(events);
      for (const name of ["DATABASE_URL=", "ENCRYPTION_KEY=", "AUTH_SECRET=", `${KEY_ENV}=`]) expect(output).not.toContain(name);
      for (const value of ["leak-db-password", "leak-encryption-key-0123", "leak-auth-secret-0123", oauthToken, MODEL_KEY, "glpat-custom-flow-token", "my-custom-secret-value"]) {
        expect(recorded).not.toContain(value);
      }
      expect(recorded).not.toContain("GitLab OAuth token");
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  }, 90_000);

  it("cancel through the app during `run: sleep 60`: Codex and its children gone within 2 s, status cancelled, a final comment saying so", async () => {
    const before = new Set((await descendants(process.pid)).map((p) => p.pid));
    const { iid } = await createIssue("Sleep for a minute");
    await comment(iid, "@openhands run: sleep 60");
    const conv = await conversationOf(iid);

    // Wait until the command really runs (Codex runs it in its own sandbox session).
    const tree = await poll(async () => {
      const procs = (await descendants(process.pid)).filter((p) => !before.has(p.pid));
      return procs.some((p) => p.cmdline === "sleep 60") ? procs : undefined;
    }, 30_000);
    expect(tree.some((p) => p.cmdline.includes("codex exec"))).toBe(true);

    // The app's cancel path (what the Cancel button calls), as the conversation's owner.
    const cancelledAt = Date.now();
    await cancelConversation(h.t.handle.db, { id: conv.id, userId: conv.userId }, { lifecycles: runLifecycles, oauth: h.gl.oauth });
    await poll(async () => ((await stillRunning(tree.map((p) => p.pid))).length === 0 ? true : undefined), 2_000);
    expect(Date.now() - cancelledAt).toBeLessThan(2_000);

    const row = await settled(conv.id);
    expect(row.status).toBe("cancelled");
    const final = await finalOf(iid, conv.id);
    expect(final.body).toContain("I could not finish: the run was cancelled");
    // Nothing of the run is left anywhere in the process table, not even reparented to init.
    expect((await stillRunning(tree.map((p) => p.pid))).map((p) => p.cmdline)).toEqual([]);
    const branch = `openhands/issue-${iid}-sleep-for-a-minute`;
    expect(await h.api<unknown[]>("alice", "GET", `/projects/${pid}/merge_requests?state=opened&source_branch=${encodeURIComponent(branch)}`)).toHaveLength(0);
  }, 90_000);
});
