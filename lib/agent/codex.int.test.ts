import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startModelSandbox, type ModelSandbox } from "@gitlab-agent/model-sandbox";
import { buildAgentEnv, createAgentHome } from "./agent-env";
import type { AgentEvent } from "./events";
import { createRuntime, type AgentResult } from "./runtime";
import { descendants, stillRunning, waitFor } from "./testing/process-tree";

/**
 * The codex preset end to end at the runtime level: the REAL Codex CLI (npm @openai/codex, pinned)
 * talks to the model sandbox, runs real commands in a real workspace, and its JSON lines become
 * conversation events. No internet: the sandbox is the model.
 */

const MODEL_KEY = "sk-model-sandbox-4242";
const KEY_ENV = "CODEX_INT_TEST_MODEL_KEY";
const SECRETS = { MY_SECRET: "custom-secret-value-7", GITLAB_TOKEN: "glpat-custom-token-7" };
const OAUTH_TOKEN = "oauth-access-token-7";
const APP_SECRETS = {
  DATABASE_URL: "postgres://app:db-password-7@127.0.0.1:5432/app",
  ENCRYPTION_KEY: "app-encryption-key-7",
  AUTH_SECRET: "app-auth-secret-7",
};

let sandbox: ModelSandbox;
let root: string;
const saved = new Map<string, string | undefined>();

beforeAll(async () => {
  sandbox = await startModelSandbox({ apiKey: MODEL_KEY });
  root = await mkdtemp(join(tmpdir(), "codex-int-"));
  // The app's own secrets are in its environment, like in production: none may reach the agent. The
  // model key is there too, named by AGENT_MODEL_API_KEY_ENV: only the sandbox's proxy uses it (Codex holds a placeholder).
  for (const [name, value] of Object.entries({ ...APP_SECRETS, [KEY_ENV]: MODEL_KEY })) {
    saved.set(name, process.env[name]);
    process.env[name] = value;
  }
});

afterAll(async () => {
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await sandbox.close();
  await rm(root, { recursive: true, force: true });
});

afterEach(() => {
  sandbox.reset();
});

async function runCodex(prompt: string, opts: { signal?: AbortSignal; timeoutMs?: number } = {}) {
  const workspaceDir = await mkdtemp(join(root, "ws-"));
  execFileSync("git", ["init", "-q", workspaceDir]);
  const home = await createAgentHome(root);
  const env = buildAgentEnv({ secrets: SECRETS, oauthToken: OAUTH_TOKEN, home: home.dir });
  const runtime = createRuntime({
    runtime: "command",
    preset: "codex",
    model: { baseUrl: sandbox.baseUrl, model: "sandbox-model", apiKeyEnv: KEY_ENV, maxRetries: 1 },
  });
  const events: AgentEvent[] = [];
  const result: AgentResult = await runtime.run(
    { workspaceDir, prompt, env, conversationId: "conv-codex", signal: opts.signal ?? new AbortController().signal, timeoutMs: opts.timeoutMs ?? 45_000 },
    (e) => { events.push(e); },
  );
  await home.cleanup();
  return { workspaceDir, events, result };
}

const outputs = (events: AgentEvent[]) => events.filter((e): e is Extract<AgentEvent, { kind: "output" }> => e.kind === "output");

describe("the codex preset with the real Codex CLI and the model sandbox", () => {
  it("creates the file with a real command, streams command + output events, and ends with Codex's last message", async () => {
    const { workspaceDir, events, result } = await runCodex("create file docs/hello.md with content Hello from Codex\nrun: cat docs/hello.md");

    expect(await readFile(join(workspaceDir, "docs/hello.md"), "utf8")).toBe("Hello from Codex\n");
    expect(result).toEqual({ outcome: "resolved", summary: "Done. Created `docs/hello.md`. Ran `cat docs/hello.md`." });

    const commands = events.filter((e) => e.kind === "command");
    expect(commands).toHaveLength(2);
    expect(commands[0]).toMatchObject({ command: expect.stringContaining("cat > docs/hello.md") });
    expect(commands[1]).toMatchObject({ command: expect.stringContaining("cat docs/hello.md") });
    const catOutput = outputs(events).find((o) => o.commandId === (commands[1]?.kind === "command" ? commands[1].id : ""));
    expect(catOutput).toMatchObject({ text: "Hello from Codex\n", exitCode: 0 });
    expect(events.at(-1)).toEqual({ kind: "message", text: result.summary });
    // Codex's warnings (e.g. unknown model metadata) are progress notes, not errors.
    expect(events.filter((e) => e.kind === "error")).toEqual([]);

    // Codex reached the endpoint with the configured model and key.
    const requests = sandbox.requests();
    expect(requests.length).toBe(3); // two tool calls, then the final message
    for (const r of requests) {
      expect(r).toMatchObject({ path: "/v1/responses", authorization: `Bearer ${MODEL_KEY}`, status: 200 });
      expect(r.body?.model).toBe("sandbox-model");
    }
  });

  it("fails with 'the model endpoint failed' when every request fails", async () => {
    sandbox.setMode("fail");
    const { events, result } = await runCodex("create file docs/hello.md with content Hello from Codex");

    expect(result.outcome).toBe("failed");
    expect(result.error).toMatch(/^The model endpoint failed: /);
    expect(events).toContainEqual({ kind: "status", text: expect.stringMatching(/^Reconnecting/) });
    expect(events.filter((e) => e.kind === "error")).toEqual([{ kind: "error", message: result.error }]);
    expect(sandbox.requests().length).toBeGreaterThan(1); // Codex retried before giving up
    expect(sandbox.requests().every((r) => r.status === 503)).toBe(true);
    expect(result.error).toContain("503 Service Unavailable: the model sandbox fails every request");
  });

  it("runs commands with the user's secrets and custom GITLAB_TOKEN, none of the app's secrets, and a CODEX_HOME that is gone afterwards", async () => {
    const { workspaceDir, events, result } = await runCodex("run: env");
    expect(result.outcome).toBe("resolved");
    const text = outputs(events).map((o) => o.text).join("\n");

    expect(text).toContain(`MY_SECRET=${SECRETS.MY_SECRET}`);
    expect(text).toContain(`GITLAB_TOKEN=${SECRETS.GITLAB_TOKEN}`);
    for (const leaked of [...Object.values(APP_SECRETS), OAUTH_TOKEN, MODEL_KEY]) expect(text).not.toContain(leaked);
    for (const name of ["DATABASE_URL=", "ENCRYPTION_KEY=", "AUTH_SECRET=", `${KEY_ENV}=`]) expect(text).not.toContain(name);

    const codexHome = /^CODEX_HOME=(.+)$/m.exec(text)?.[1] ?? "";
    expect(codexHome).not.toBe("");
    expect(codexHome.startsWith(workspaceDir)).toBe(false);
    await expect(stat(codexHome)).rejects.toThrow();
  });

  it("cancel during `run: sleep 60` kills Codex and every process it started within 2 s", async () => {
    const before = new Set((await descendants(process.pid)).map((p) => p.pid));
    const controller = new AbortController();
    const running = runCodex("run: sleep 60", { signal: controller.signal });

    // Wait until the command really runs (inside Codex's sandbox, in its own session).
    const tree = await waitFor(async () => {
      const procs = (await descendants(process.pid)).filter((p) => !before.has(p.pid));
      return procs.some((p) => p.cmdline === "sleep 60") ? procs : undefined;
    }, 20_000);
    expect(tree.some((p) => p.cmdline.includes("codex exec"))).toBe(true);

    const abortedAt = Date.now();
    controller.abort();
    const { result } = await running;
    await waitFor(async () => ((await stillRunning(tree.map((p) => p.pid))).length === 0 ? true : undefined), 2_000);
    expect(Date.now() - abortedAt).toBeLessThan(2_000);
    expect(result).toMatchObject({ outcome: "failed", cancelled: true });
    // Nothing of the run is left anywhere in the process table, not even reparented to init.
    const orphans = (await stillRunning(tree.map((p) => p.pid))).map((p) => p.cmdline);
    expect(orphans).toEqual([]);
  });

  it("times out a stalled model stream and leaves nothing running", async () => {
    sandbox.setMode("stall");
    const before = new Set((await descendants(process.pid)).map((p) => p.pid));
    let tree: number[] = [];
    const watcher = setInterval(() => {
      void descendants(process.pid).then((procs) => {
        tree = [...new Set([...tree, ...procs.filter((p) => !before.has(p.pid)).map((p) => p.pid)])];
      });
    }, 100);
    const { result } = await runCodex("create file a.txt with content A", { timeoutMs: 3_000 });
    clearInterval(watcher);
    expect(result).toMatchObject({ outcome: "failed", timedOut: true });
    expect(tree.length).toBeGreaterThan(0);
    await waitFor(async () => ((await stillRunning(tree)).length === 0 ? true : undefined), 2_000);
  });
});
