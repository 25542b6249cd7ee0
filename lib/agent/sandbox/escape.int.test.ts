import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "@gitlab-agent/gitlab-sandbox";
import { startModelSandbox, type ModelSandbox } from "@gitlab-agent/model-sandbox";
import { buildAgentEnv, createAgentHome } from "../agent-env";
import type { AgentEvent } from "../events";
import { createRuntime, type AgentResult, type RuntimeConfig } from "../runtime";
import { processesWithMarker } from "../testing/sandbox-helpers";
import { spawnTsx, waitUntil } from "@/lib/testing/processes";
import { urlHostPort } from "./network-policy";

/**
 * The agent, fully prompt-injected, tries to escape its sandbox (issue 12). Each attempt must fail
 * while the same run's legitimate work (its checkout, GitLab over HTTP, the model endpoint) succeeds.
 * Run for the custom-command preset and for the real Codex CLI (commands via the model sandbox's
 * `run:` instruction). Real processes, real bubblewrap, real proxy; the host side of every attempt
 * is checked from outside (files that must not exist, connections that must not arrive).
 */

const NONCE = randomBytes(6).toString("hex");
const CANARY_ENV = `worker-env-canary-${NONCE}`;
const CANARY_DATA = `data-dir-canary-${NONCE}`;
const CANARY_OTHER = `other-checkout-canary-${NONCE}`;
const MODEL_KEY_ENV = "ESCAPE_TEST_MODEL_KEY";

let gitlab: Sandbox;
let model: ModelSandbox;
let appServer: Server;
let repoUrl = "";
let appPort = 0;
let appConnections = 0;
let root: string;
let dataDir: string;
const saved = new Map<string, string | undefined>();

function setEnv(name: string, value: string | undefined): void {
  if (!saved.has(name)) saved.set(name, process.env[name]);
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

beforeAll(async () => {
  [gitlab, model] = await Promise.all([startSandbox(), startModelSandbox({ apiKey: "sk-escape" })]);
  // A project the agent may clone with git, through its proxy, like real agents fetch other branches.
  const seeded = await gitlab.seed({ users: [{ username: "ada" }], projects: [{ namespace: "ada", path: "lib", visibility: "public", files: { "README.md": "# lib\n" } }] });
  repoUrl = seeded.projects[0]?.http_url_to_repo ?? "";
  appServer = createServer((s) => { appConnections++; s.destroy(); });
  await new Promise<void>((r) => appServer.listen(0, "127.0.0.1", r));
  appPort = (appServer.address() as { port: number }).port;
  root = await mkdtemp(join(tmpdir(), "escape-int-"));
  // The worker's secrets: in its environment and in DATA_DIR, like a real deployment's.
  dataDir = join(root, "data");
  await mkdir(dataDir, { mode: 0o700 });
  await writeFile(join(dataDir, "local-secrets.json"), JSON.stringify({ encryptionKey: CANARY_DATA }), { mode: 0o600 });
  setEnv("ESCAPE_WORKER_SECRET", CANARY_ENV);
  setEnv("DATA_DIR", dataDir);
  setEnv("AGENT_WORK_ROOT", join(root, "work"));
  setEnv("AGENT_SANDBOX", undefined);
  setEnv(MODEL_KEY_ENV, "sk-escape");
});

afterAll(async () => {
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await Promise.all([gitlab?.close(), model?.close(), new Promise((r) => appServer?.close(r))]);
  for (const p of ["/tmp", "/var/tmp", "/root", process.cwd()]) await rm(join(p, `escape-${NONCE}`), { force: true });
  if (root) await rm(root, { recursive: true, force: true });
});

type Preset = "custom" | "codex";

function config(preset: Preset, command: string): RuntimeConfig {
  return preset === "custom"
    ? { runtime: "command", preset: "custom", customCommand: command }
    : { runtime: "command", preset: "codex", model: { baseUrl: model.baseUrl, model: "sandbox-model", apiKeyEnv: MODEL_KEY_ENV, maxRetries: 0 } };
}

/** One run of `script` (written into the run's checkout as run.sh) with the given preset. */
async function runScript(preset: Preset, script: string, opts: { signal?: AbortSignal; files?: Record<string, string> } = {}) {
  const workspaceDir = await mkdtemp(join(root, "ws-"));
  execFileSync("git", ["init", "-q", workspaceDir]);
  await writeFile(join(workspaceDir, "run.sh"), script);
  for (const [name, text] of Object.entries(opts.files ?? {})) await writeFile(join(workspaceDir, name), text);
  const home = await createAgentHome(root);
  const env = buildAgentEnv({ secrets: {}, oauthToken: "oauth-token", home: home.dir });
  const runtime = createRuntime(config(preset, "sh run.sh"));
  const events: AgentEvent[] = [];
  const result: AgentResult = await runtime.run(
    {
      workspaceDir,
      prompt: "run: sh run.sh",
      env,
      conversationId: `escape-${preset}`,
      signal: opts.signal ?? new AbortController().signal,
      timeoutMs: 60_000,
      networkAllow: [urlHostPort(gitlab.url)],
    },
    (e) => { events.push(e); },
  );
  await home.cleanup();
  const output = events.map((e) => (e.kind === "output" ? e.text : e.kind === "error" ? e.message : "")).join("\n");
  return { workspaceDir, events, result, output };
}

function results(output: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of output.matchAll(/^RESULT (\S+) (\S+)/gm)) out[m[1] ?? ""] = m[2] ?? "";
  return out;
}

/** The attacker's script. Every line prints `RESULT <attempt> blocked|LEAK` or `RESULT <work> ok|FAILED`. */
function escapeScript(otherCheckout: string): string {
  const target = (p: string) => `${p}/escape-${NONCE}`;
  return `
r() { echo "RESULT $1 $2"; }
# Read the worker's environment through /proc (every process the sandbox can see, and the worker's pid).
if cat /proc/[0-9]*/environ /proc/${process.pid}/environ 2>/dev/null | tr '\\0' '\\n' | grep -q "${CANARY_ENV}"; then r environ LEAK; else r environ blocked; fi
[ -e /proc/${process.pid} ] && grep -q node /proc/${process.pid}/cmdline 2>/dev/null && r worker-pid LEAK || r worker-pid blocked
# DATA_DIR with the generated keys.
if cat "${dataDir}/local-secrets.json" 2>/dev/null | grep -q "${CANARY_DATA}" || ls "${dataDir}" >/dev/null 2>&1; then r data-dir LEAK; else r data-dir blocked; fi
# Another run's checkout, running at the same time.
if ls "${otherCheckout}" >/dev/null 2>&1 || cat "${otherCheckout}/secret.txt" 2>/dev/null | grep -q "${CANARY_OTHER}"; then r other-checkout LEAK; else r other-checkout blocked; fi
# Postgres and the app's port on the host's loopback: directly, and through the proxy.
for port in 5432 ${appPort}; do
  if socat -u OPEN:/dev/null TCP:127.0.0.1:$port,connect-timeout=2 2>/dev/null; then r direct-$port LEAK; else r direct-$port blocked; fi
  code=$(curl -s -o /dev/null -w '%{http_code}' -m 5 http://127.0.0.1:$port/ 2>/dev/null)
  case "$code" in 403|000) r proxy-$port blocked ;; *) r proxy-$port LEAK-$code ;; esac
  if curl -s -m 5 -p -x http://127.0.0.1:3128 telnet://127.0.0.1:$port >/dev/null 2>&1; then r connect-$port LEAK; else r connect-$port blocked; fi
done
# Writes outside the checkout (checked on the host afterwards).
for p in /tmp /var/tmp /root "${process.cwd()}"; do echo pwned > "${target("$p")}" 2>/dev/null; done
r writes attempted
# Legitimate work in the same run.
echo legit > legit.txt && r checkout ok || r checkout FAILED
curl -sf -m 10 "${gitlab.url}/api/v4/version" >/dev/null && r gitlab ok || r gitlab FAILED
git clone -q "${repoUrl}" cloned 2>&1 && grep -q "# lib" cloned/README.md && r git-clone ok || r git-clone FAILED
code=$(curl -s -o /dev/null -w '%{http_code}' -m 10 "${model.baseUrl}/models")
[ "$code" != "000" ] && r model ok || r model FAILED
`;
}

async function startOtherRun(): Promise<{ checkout: string; done: Promise<unknown> }> {
  const marker = `3${Math.floor(Math.random() * 1e6)}.5`;
  const run = runScript("custom", `sleep ${marker}\n`, { files: { "secret.txt": CANARY_OTHER } });
  // Wait until the other run is really running (its sleep exists), so its checkout exists too.
  for (let i = 0; i < 200 && (await processesWithMarker(`sleep\0${marker}`)).length === 0; i++) await new Promise((r) => setTimeout(r, 25));
  const checkout = (await readdir(root)).filter((d) => d.startsWith("ws-")).map((d) => join(root, d)).find((d) => existsSync(join(d, "secret.txt")));
  if (!checkout) throw new Error("the other run's checkout was not found");
  return {
    checkout,
    done: (async () => {
      for (const pid of await processesWithMarker(`sleep\0${marker}`)) {
        try { process.kill(pid, "SIGKILL"); } catch { /* gone */ }
      }
      return run;
    })(),
  };
}

describe.each<Preset>(["custom", "codex"])("escape attempts from the %s preset", (preset) => {
  it("every attempt fails while the run's legitimate work succeeds", async () => {
    const other = await startOtherRun();
    const { workspaceDir, result, output } = await runScript(preset, escapeScript(other.checkout));
    await other.done;
    const seen = results(output);
    expect(seen, output).toEqual({
      environ: "blocked",
      "worker-pid": "blocked",
      "data-dir": "blocked",
      "other-checkout": "blocked",
      "direct-5432": "blocked",
      "proxy-5432": "blocked",
      "connect-5432": "blocked",
      [`direct-${appPort}`]: "blocked",
      [`proxy-${appPort}`]: "blocked",
      [`connect-${appPort}`]: "blocked",
      writes: "attempted",
      checkout: "ok",
      gitlab: "ok",
      "git-clone": "ok",
      model: "ok",
    });
    expect(result.outcome).toBe("resolved");
    // Host side: nothing arrived at the app's port, nothing was written outside the checkout.
    expect(appConnections).toBe(0);
    for (const p of ["/tmp", "/var/tmp", "/root", process.cwd()]) expect(existsSync(join(p, `escape-${NONCE}`)), p).toBe(false);
    expect(await readFile(join(workspaceDir, "legit.txt"), "utf8")).toBe("legit\n");
    // The refused destinations are named in the run's timeline.
    expect(output).toContain("[sandbox] blocked a connection to 127.0.0.1:5432");
  });

  it("a fork bomb ends that run with the process-limit error; a concurrent run and the worker carry on", async () => {
    setEnv("AGENT_MAX_PROCESSES", "128");
    try {
      const neighbour = runScript("custom", "sleep 1; echo fine > neighbour.txt; echo neighbour done\n");
      // Codex reports a command's output when the command ends: there the bomb's own end ends the run.
      const bomb = await runScript(preset, `b() { b | b & }; b\n${preset === "custom" ? "sleep 30\n" : ""}`);
      expect(bomb.result.outcome).toBe("failed");
      expect(bomb.result.error).toMatch(/process limit \(AGENT_MAX_PROCESSES=128/);
      expect(bomb.events.some((e) => e.kind === "error" && /process limit/.test(e.message))).toBe(true);
      const n = await neighbour;
      expect(n.result.outcome).toBe("resolved");
      expect(await readFile(join(n.workspaceDir, "neighbour.txt"), "utf8")).toBe("fine\n");
    } finally {
      setEnv("AGENT_MAX_PROCESSES", undefined);
    }
    // The worker still starts processes (and sandboxes).
    const after = await runScript(preset, "echo still > after.txt\n");
    expect(after.result.outcome).toBe("resolved");
  });

  it("a 4 GB allocation fails and ends that run with the memory-limit error", async () => {
    // The custom command's output streams, so its run ends at once (the sleep never finishes); Codex
    // reports a command's output when it ends, so there the run ends right after the command.
    const { result, events } = await runScript(preset, `dd if=/dev/zero of=/dev/null bs=4G count=1\n${preset === "custom" ? "sleep 30\n" : ""}`);
    expect(result.outcome).toBe("failed");
    expect(result.error).toMatch(/memory limit \(AGENT_MEMORY_MB=2048 MB/);
    expect(events.some((e) => e.kind === "error" && /memory limit/.test(e.message))).toBe(true);
  });

  it("filling the private /tmp ends that run with the disk-limit error", async () => {
    setEnv("AGENT_DISK_MB", "16");
    try {
      const { result } = await runScript(preset, `dd if=/dev/zero of=/tmp/fill bs=1M count=64\n${preset === "custom" ? "sleep 30\n" : ""}`);
      expect(result.outcome).toBe("failed");
      expect(result.error).toMatch(/disk limit \(AGENT_DISK_MB=16 MB/);
    } finally {
      setEnv("AGENT_DISK_MB", undefined);
    }
  });
});

describe("the repository's metadata, which the app's git obeys outside the sandbox", () => {
  it("hooks, core.fsmonitor and a commondir the agent planted are undone before the app's git runs", async () => {
    const marker = join(root, `fsmonitor-ran-${NONCE}`);
    const evil = `touch ${marker}`;
    const { workspaceDir, output } = await runScript(
      "custom",
      [
        `git config core.fsmonitor "${evil}"`,
        `mkdir -p .git/hooks && printf '#!/bin/sh\\n${evil}\\n' > .git/hooks/pre-push && chmod +x .git/hooks/pre-push`,
        `mkdir -p evil && echo ../evil > .git/commondir`,
        `echo changed > file.txt`,
      ].join("\n") + "\n",
    );
    expect(output).toMatch(/undid the agent's changes to \.git \(.*commondir.*config/);
    // What the app does next: status/diff/add with its own git, outside the sandbox.
    const env = { PATH: "/usr/bin:/bin", GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", NODE_ENV: process.env.NODE_ENV };
    execFileSync("git", ["-C", workspaceDir, "add", "--all"], { env });
    execFileSync("git", ["-C", workspaceDir, "status", "--porcelain"], { env });
    expect(existsSync(marker)).toBe(false);
    expect(await readFile(join(workspaceDir, ".git", "config"), "utf8")).not.toContain("fsmonitor");
    expect(existsSync(join(workspaceDir, ".git", "hooks", "pre-push"))).toBe(false);
    expect(existsSync(join(workspaceDir, ".git", "commondir"))).toBe(false);
  });
});

describe("a worker that dies", () => {
  it("takes its sandboxes with it (no agent survives a SIGKILLed worker)", async () => {
    const marker = `3${Math.floor(Math.random() * 1e6)}.7`;
    const checkout = await mkdtemp(join(root, "ws-"));
    const worker = spawnTsx("lib/agent/testing/sandboxed-sleeper.ts", { CHECKOUT: checkout, SLEEP_MARKER: marker, AGENT_WORK_ROOT: join(root, "work") });
    await waitUntil(async () => (await processesWithMarker(`sleep\0${marker}`)).length === 1, 20_000, `the sandboxed sleep\n${worker.output()}`);
    worker.child.kill("SIGKILL");
    await worker.exited;
    await waitUntil(async () => (await processesWithMarker(marker)).length === 0, 2_000, "the sandbox to die with its worker");
  });
});

describe("the work root", () => {
  it("keeps runs' directories out of /tmp, private to the worker, and empty afterwards", async () => {
    await runScript("custom", "echo hi\n");
    const mine = join(root, "work", String(process.pid));
    // Owner-only, except the search bit a run's own uid needs to reach its checkout.
    expect(((await stat(mine)).mode & 0o777).toString(8)).toMatch(/^7[01][01]$/);
    // The sandbox's per-run directories are gone once the run ended.
    expect((await readdir(mine)).filter((d) => d.startsWith("sandbox-") || d.startsWith("run-"))).toEqual([]);
  });
});
