import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildAgentEnv } from "./agent-env";
import type { AgentEvent } from "./events";
import { createRuntime, type AgentTask, type RuntimeConfig } from "./runtime";
import { installFakeCodex, processesWithMarker } from "./testing/sandbox-helpers";
let dir = "";
let binDir = "";

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "command-test-"));
  binDir = await mkdtemp(join(tmpdir(), "command-bin-"));
  // A `codex` on the agent's PATH that is really the fake agent.
  await installFakeCodex(binDir);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(binDir, { recursive: true, force: true });
});

function task(prompt: string, over: Partial<AgentTask> = {}): AgentTask {
  return { workspaceDir: dir, prompt, env: { PATH: `${binDir}:${process.env.PATH ?? "/usr/bin:/bin"}`, HOME: dir }, conversationId: "c1", signal: new AbortController().signal, timeoutMs: 30_000, ...over };
}

async function run(config: RuntimeConfig, t: AgentTask) {
  const events: AgentEvent[] = [];
  // An async sink, like the job's database writes: order must still hold.
  const result = await createRuntime(config).run(t, async (e) => { await new Promise((r) => setTimeout(r, 1)); events.push(e); });
  return { result, events };
}

const codex: RuntimeConfig = { runtime: "command", preset: "codex", model: { baseUrl: "http://127.0.0.1:9/v1", model: "test-model", apiKeyEnv: "MODEL_KEY" } };

describe("command runtime with the codex preset (real subprocess)", () => {
  it("parses Codex JSON lines into events in order and resolves", async () => {
    const rt = createRuntime(codex);
    expect(rt).toMatchObject({ id: "command:codex", label: "Codex CLI", isTestAgent: false });
    const { result, events } = await run(codex, task("write made.txt made by codex"));
    expect(await readFile(join(dir, "made.txt"), "utf8")).toBe("made by codex\n");
    expect(result).toEqual({ outcome: "resolved", summary: "Created made.txt." });
    expect(events[0]).toEqual({ kind: "output", text: "a plain line that is not JSON" });
    expect(events.slice(1, 3)).toEqual([
      { kind: "command", id: "item_0", command: "bash -lc 'cat > made.txt'" },
      { kind: "output", commandId: "item_0", text: "wrote made.txt\n", exitCode: 0 },
    ]);
    expect(events[4]).toEqual({ kind: "message", text: "Created made.txt." });
    expect(events).toHaveLength(5);

    // The per-run CODEX_HOME held the endpoint config, lived outside the workspace and is gone now.
    const info = events[3];
    expect(info?.kind).toBe("message");
    const text = info?.kind === "message" ? info.text : "";
    const home = /CODEX_HOME=(\S+)/.exec(text)?.[1] ?? "";
    expect(home.startsWith(dir)).toBe(false);
    expect(text).toContain('model_provider = \\"agent\\"');
    // In the sandbox, Codex is pointed at the proxy's virtual model host (model-gateway.ts), same path.
    expect(text).toContain('base_url = \\"http://model.openhands.internal/v1\\"');
    expect(text).toContain('wire_api = \\"responses\\"');
    expect(text).toContain('env_key = \\"MODEL_KEY\\"');
    await expect(stat(home)).rejects.toThrow();
  });

  it("maps turn.failed to a failed outcome with the error text", async () => {
    const { result, events } = await run(codex, task("fail"));
    expect(result).toMatchObject({ outcome: "failed", error: "The model endpoint failed: model endpoint returned 500" });
    expect(events).toContainEqual({ kind: "status", text: "Reconnecting... 1/5" });
    expect(events).toContainEqual({ kind: "error", message: "The model endpoint failed: model endpoint returned 500" });
  });

  it("uses the last stderr lines as the error of a non-zero exit", async () => {
    const { result, events } = await run(codex, task("crash"));
    expect(result.outcome).toBe("failed");
    expect(result.error).toBe("fake-agent: something went wrong\nfake-agent: giving up");
    expect(events).toContainEqual({ kind: "output", text: "fake-agent: something went wrong\nfake-agent: giving up" });
    expect(events.at(-1)).toMatchObject({ kind: "error", message: expect.stringContaining("exited with code 3") });
  });

  it("fails clearly when the binary is missing (openhands: PyPI only, not installed here)", async () => {
    const { result } = await run({ runtime: "command", preset: "openhands" }, task("hi", { env: { PATH: binDir } }));
    expect(result).toMatchObject({ outcome: "failed", error: expect.stringContaining('"openhands" was not found') });
  });
});

describe("command runtime with a custom command", () => {
  it("passes the prompt on stdin and in AGENT_PROMPT, and reads AgentEvent JSON lines", async () => {
    const script = `read line; echo '{"kind":"file_edit","path":"x","action":"create"}'; printf '{"kind":"message","text":"%s / %s"}\\n' "$line" "$AGENT_PROMPT"`;
    const { result, events } = await run({ runtime: "command", preset: "custom", customCommand: script, customFormat: "jsonl" }, task("do it"));
    expect(events).toEqual([{ kind: "file_edit", path: "x", action: "create" }, { kind: "message", text: "do it / do it" }]);
    expect(result).toEqual({ outcome: "resolved", summary: "do it / do it" });
  });

  it("uses AGENT_COMMAND alone as the custom preset and text output as the summary", async () => {
    const rt = createRuntime({ runtime: "command", customCommand: "echo one; echo two" });
    expect(rt.id).toBe("command:custom");
    const events: AgentEvent[] = [];
    const result = await rt.run(task("x"), (e) => { events.push(e); });
    // Output arrives in chunks as the OS delivers it (one or two under load); together it is the text.
    expect(events.every((e) => e.kind === "output")).toBe(true);
    expect(events.map((e) => (e.kind === "output" ? e.text : "")).join("\n")).toBe("one\ntwo");
    expect(result).toEqual({ outcome: "resolved", summary: "one\ntwo" });
  });

  it("refuses a config without preset or command", () => {
    expect(() => createRuntime({ runtime: "command" })).toThrow(/AGENT_PRESET/);
    expect(() => createRuntime({ runtime: "command", preset: "custom" })).toThrow(/AGENT_COMMAND/);
  });
});

describe("killing the whole process group (in the sandbox)", () => {
  // The sandbox has its own PID namespace: its processes are found by a marker in their command line
  // (a sleep duration no other process uses), and every one of them must be gone, bwrap included.
  const marker = (): string => `3${Math.floor(Math.random() * 1e6)}.${Math.floor(Math.random() * 1e6)}`;
  const sleeper = (m: string): string => `sleep ${m} & sleep ${m} & wait`;

  async function startAndStop(stop: (controller: AbortController) => Partial<AgentTask>, wrap: (cmd: string) => string = (c) => c) {
    const m = marker();
    const controller = new AbortController();
    const t = task("", { env: { PATH: process.env.PATH ?? "/usr/bin:/bin" }, ...stop(controller) });
    const running = run({ runtime: "command", preset: "custom", customCommand: wrap(sleeper(m)) }, t);
    const sleeps = async (): Promise<number> => {
      let n = 0;
      for (const pid of await processesWithMarker(m)) if ((await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "")).startsWith("sleep\0")) n++;
      return n;
    };
    for (let i = 0; i < 100 && (await sleeps()) < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await sleeps()).toBe(2);
    const stoppedAt = Date.now();
    controller.abort();
    const { result } = await running;
    const deadline = stoppedAt + 2000;
    while ((await processesWithMarker(m)).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await processesWithMarker(m)).toEqual([]);
    expect(Date.now() - stoppedAt).toBeLessThan(2000);
    return result;
  }

  it("on cancel: nothing of the sandbox remains within 2 s", async () => {
    const result = await startAndStop((c) => ({ signal: c.signal }));
    expect(result).toMatchObject({ outcome: "failed", cancelled: true });
  });

  it("on timeout: nothing of the sandbox remains within 2 s", async () => {
    // abort() on an unrelated controller is a no-op; the 1.5 s limit stops the run (after the
    // sandbox has started, even on a loaded machine).
    const result = await startAndStop(() => ({ timeoutMs: 1500 }));
    expect(result).toMatchObject({ outcome: "failed", timedOut: true });
  });

  it("ends what the agent left running when it exits normally", async () => {
    const m = marker();
    const started = Date.now();
    const { result } = await run({ runtime: "command", preset: "custom", customCommand: `sleep ${m} & echo started` }, task("", { env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } }));
    expect(result).toEqual({ outcome: "resolved", summary: "started" });
    expect(Date.now() - started).toBeLessThan(2500);
    expect(await processesWithMarker(m)).toEqual([]);
  });

  it("ends an agent that ignores SIGTERM", async () => {
    const result = await startAndStop((c) => ({ signal: c.signal }), (cmd) => `trap "" TERM; ${cmd}`);
    expect(result).toMatchObject({ outcome: "failed", cancelled: true });
  });
});

describe("the agent's environment (real subprocess)", () => {
  const APP_SECRETS = { DATABASE_URL: "postgres://app:pw@db/app", ENCRYPTION_KEY: "app-encryption-key", AUTH_SECRET: "app-auth-secret" };
  const printEnv = `"${process.execPath}" -e 'process.stdout.write(JSON.stringify(process.env) + "\\n")'`;

  async function agentSees(secrets: Record<string, string>): Promise<Record<string, string>> {
    const saved = Object.fromEntries(Object.keys(APP_SECRETS).map((k) => [k, process.env[k]]));
    Object.assign(process.env, APP_SECRETS);
    try {
      const env = buildAgentEnv({ secrets, oauthToken: "oauth-full-token", home: dir });
      const { result, events } = await run({ runtime: "command", preset: "custom", customCommand: printEnv }, task("", { env }));
      expect(result.outcome).toBe("resolved");
      const out = events.find((e) => e.kind === "output");
      return JSON.parse(out?.kind === "output" ? out.text : "{}") as Record<string, string>;
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  }

  it("gets the user's secrets and their custom GITLAB_TOKEN, never the OAuth token or app secrets", async () => {
    const seen = await agentSees({ MY_SECRET: "s3cret", GITLAB_TOKEN: "custom-reduced-token" });
    expect(seen.MY_SECRET).toBe("s3cret");
    expect(seen.GITLAB_TOKEN).toBe("custom-reduced-token");
    const all = JSON.stringify(seen);
    expect(all).not.toContain("oauth-full-token");
    for (const [name, value] of Object.entries(APP_SECRETS)) {
      expect(seen[name]).toBeUndefined();
      expect(all).not.toContain(value);
    }
    expect(seen.HOME).toBe(dir);
  });

  it("gets the OAuth token as GITLAB_TOKEN when there is no custom one", async () => {
    const seen = await agentSees({ OTHER: "x" });
    expect(seen.GITLAB_TOKEN).toBe("oauth-full-token");
    expect(seen.DATABASE_URL).toBeUndefined();
  });
});
