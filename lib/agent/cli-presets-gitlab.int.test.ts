import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startModelSandbox, type ModelSandbox } from "@gitlab-agent/model-sandbox";
import { cancelConversation } from "@/lib/conversations/cancel";
import { runLifecycles } from "@/lib/resolver/run-lifecycle";
import { getAccessToken } from "@/lib/gitlab/tokens";
import { APP_URL, startHarness, type Harness } from "@/lib/resolver/testing/harness";
import { createSecret } from "@/lib/secrets/queries";
import type { PresetId } from "./presets";
import { createRuntime } from "./runtime";
import { SANDBOX_MODEL, setAppEnv } from "./testing/cli-run";
import { gitlabFlow } from "./testing/gitlab-flow";
import { descendants, stillRunning, waitFor as poll } from "./testing/process-tree";

/**
 * Issue 15 end to end, as codex-gitlab.int.test.ts is for Codex: a GitLab issue labelled `openhands`
 * is resolved by the REAL Claude Code, Gemini CLI and OpenCode (their presets of the command runtime,
 * inside the agent sandbox), whose model is the model sandbox speaking each one's API. The GitLab
 * sandbox delivers real webhooks, the worker acknowledges, the CLI runs real commands in a real clone,
 * the app pushes and opens the merge request, and the final comment carries the CLI's last message.
 * One harness for the file; each CLI gets its own project.
 */

const KEY_ENV = "CLI_PRESETS_FLOW_MODEL_KEY";
const MODEL_KEY = "sk-cli-presets-flow-1515";
const CLIS: PresetId[] = ["claude-code", "gemini", "opencode"];

let h: Harness;
let model: ModelSandbox;
let appEnv: { restore(): void };

const SEED = {
  users: [{ username: "alice", personal_access_tokens: [{ name: "tests", scopes: ["api"] }] }],
  groups: [{ path: "acme", tier: "premium" as const, members: [{ username: "alice", access_level: 50 }] }],
  projects: CLIS.map((id) => ({ namespace: "acme", path: `site-${id}`, files: { "README.md": "# Site\n" }, labels: ["openhands"] })),
};

beforeAll(async () => {
  appEnv = setAppEnv({ [KEY_ENV]: MODEL_KEY });
  [h, model] = await Promise.all([startHarness(SEED, { link: ["alice"] }), startModelSandbox({ apiKey: MODEL_KEY })]);
  for (const id of CLIS) await h.install({ resourceType: "project", resourceId: h.ids[`acme/site-${id}`]!, resourcePath: `acme/site-${id}` });
}, 60_000);

afterAll(async () => {
  await h?.close();
  await model?.close();
  appEnv?.restore();
});

describe.each(CLIS)("an issue resolved by the real %s CLI, in the sandbox", (preset) => {
  const pid = () => h.ids[`acme/site-${preset}`]!;
  const flow = () => gitlabFlow(h, "alice", pid());
  const useRuntime = () => {
    // Production's agent.run, with the preset pointed at the model sandbox.
    h.runDeps.runtime = createRuntime({ runtime: "command", preset, model: { baseUrl: model.baseUrl, model: SANDBOX_MODEL, apiKeyEnv: KEY_ENV, maxRetries: 1 } });
  };

  it("label → ack → the command with its output in the timeline → an MR with docs/hello.md → the CLI's last message as the final comment", async () => {
    useRuntime();
    const f = flow();
    const { iid } = await f.createIssue("Say hello", "create file docs/hello.md with content Hello from the agent");
    await f.label(iid, "openhands");

    const conv = await f.conversationOf(iid);
    expect((await f.ackOf(iid, conv.id)).body).toContain(`${APP_URL}/conversations/${conv.id}`);

    const final = await f.finalOf(iid, conv.id);
    expect(await f.settled(conv.id)).toMatchObject({ status: "finished", outcome: "resolved", runtime: `command:${preset}`, summary: "Done. Created `docs/hello.md`." });
    expect(final.body).toContain("Done. Created `docs/hello.md`.");

    const events = await f.timeline(conv.id);
    const command = events.find((e) => e.kind === "command" && e.command.includes("cat > docs/hello.md"));
    expect(command).toBeDefined();
    expect(events).toContainEqual(expect.objectContaining({ kind: "output", commandId: command?.kind === "command" ? command.id : "" }));
    expect(events).toContainEqual({ kind: "message", text: "Done. Created `docs/hello.md`." });
    expect(events).toContainEqual(expect.objectContaining({ kind: "result", outcome: "resolved", changedFiles: ["docs/hello.md"] }));

    const branch = `openhands/issue-${iid}-say-hello`;
    const mrs = await f.openMergeRequests(branch);
    expect(mrs).toHaveLength(1);
    expect(await f.rawFile("docs/hello.md", branch)).toEqual({ status: 200, text: "Hello from the agent\n" });
    expect(final.body).toContain(mrs[0]!.web_url);
  }, 120_000);

  it("ends as failed, with a final comment saying the model endpoint failed, when every model request fails", async () => {
    useRuntime();
    model.setMode("fail");
    try {
      const f = flow();
      const { iid } = await f.createIssue("Endpoint down");
      await f.comment(iid, "@openhands create file down.txt with content nope");
      const conv = await f.conversationOf(iid);
      const final = await f.finalOf(iid, conv.id);
      expect(final.body).toContain("I could not finish: The model endpoint failed:");
      expect(await f.settled(conv.id)).toMatchObject({ status: "failed", outcome: "failed", error: expect.stringContaining("The model endpoint failed") });
      expect(await f.openMergeRequests(`openhands/issue-${iid}-endpoint-down`)).toHaveLength(0);
    } finally {
      model.setMode("ok");
    }
  }, 120_000);

  it("`run: env` shows the user's secrets (redacted in the timeline) and none of the app's; cancel during `run: sleep 60` leaves no process after 2 s", async () => {
    useRuntime();
    const f = flow();
    const db = h.t.handle.db;
    const userId = h.users.alice!.linked!.userId;
    await createSecret(db, { userId, name: `MY_SECRET_${preset.replace("-", "_").toUpperCase()}`, value: `my-secret-${preset}` }).catch(() => undefined);
    await createSecret(db, { userId, name: "GITLAB_TOKEN", value: "glpat-custom-cli-flow" }).catch(() => undefined);
    const oauthToken = await getAccessToken(db, userId, { oauth: h.gl.oauth });
    const saved = setAppEnv({ DATABASE_URL: "postgres://leak:leak-db-password@db/app", ENCRYPTION_KEY: "leak-encryption-key-0123", AUTH_SECRET: "leak-auth-secret-0123" });
    try {
      const { iid } = await f.createIssue("Print the environment");
      await f.comment(iid, "@openhands run: env");
      const conv = await f.conversationOf(iid);
      await f.finalOf(iid, conv.id);
      const events = await f.timeline(conv.id);
      const output = events.map((e) => (e.kind === "output" ? e.text : "")).join("\n");
      expect(output).toContain("GITLAB_TOKEN=[redacted]");
      expect(output).toMatch(/MY_SECRET_[A-Z_]+=\[redacted\]/);
      for (const name of ["DATABASE_URL=", "ENCRYPTION_KEY=", "AUTH_SECRET=", `${KEY_ENV}=`]) expect(output).not.toContain(name);
      const recorded = JSON.stringify(events);
      for (const value of ["leak-db-password", "leak-encryption-key-0123", "leak-auth-secret-0123", oauthToken, "glpat-custom-cli-flow", `my-secret-${preset}`]) expect(recorded).not.toContain(value);
    } finally {
      saved.restore();
    }

    const before = new Set((await descendants(process.pid)).map((p) => p.pid));
    const { iid } = await f.createIssue("Sleep for a minute");
    await f.comment(iid, "@openhands run: sleep 60");
    const conv = await f.conversationOf(iid);
    const tree = await poll(async () => {
      const procs = (await descendants(process.pid)).filter((p) => !before.has(p.pid));
      return procs.some((p) => /(^|\s|\/)sleep 60$/.test(p.cmdline)) ? procs : undefined;
    }, 60_000);
    const cancelledAt = Date.now();
    await cancelConversation(db, { id: conv.id, userId: conv.userId }, { lifecycles: runLifecycles, oauth: h.gl.oauth });
    await poll(async () => ((await stillRunning(tree.map((p) => p.pid))).length === 0 ? true : undefined), 2_000);
    expect(Date.now() - cancelledAt).toBeLessThan(2_000);
    expect((await f.settled(conv.id)).status).toBe("cancelled");
    expect((await f.finalOf(iid, conv.id)).body).toContain("I could not finish: the run was cancelled");
  }, 180_000);
});
