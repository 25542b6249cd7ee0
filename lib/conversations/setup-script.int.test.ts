import crypto from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { createRuntime } from "@/lib/agent/runtime";
import { createCipherKit } from "@/lib/crypto";
import { connectUser, type ConnectedUser } from "@/lib/gitlab/testing/connected-user";
import { startSandboxFixture, type SandboxFixture } from "@/lib/gitlab/testing/sandbox-fixture";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { appendEvent, listEvents } from "./events";
import { getConversation } from "./queries";
import { runConversation, type RunDeps } from "./run";
import { insertConversation } from "./testing/fixtures";

/**
 * The repository's `.openhands/setup.sh` runs in the run's sandbox before the agent: a script that
 * installs an npm package (allowed through AGENT_NETWORK_ALLOW to the npm registry) leaves it for the
 * agent to use; a failing script fails the run with its last lines; a slow one hits its own timeout.
 */

const cipher = createCipherKit({ current: crypto.randomBytes(32).toString("base64") });
const PASSWORD = "correct-horse-battery";

let tdb: TestDatabase;
let db: Database;
let gl: SandboxFixture;
let ada: ConnectedUser;
let workDir: string;
const savedAllow = process.env.AGENT_NETWORK_ALLOW;

beforeAll(async () => {
  // The npm registry is reachable from this machine; the sandbox's proxy lets the run reach it only because of this.
  process.env.AGENT_NETWORK_ALLOW = "registry.npmjs.org";
  [tdb, gl] = await Promise.all([
    createTestDatabase(),
    startSandboxFixture({
      users: [{ username: "ada", password: PASSWORD }],
      projects: [
        { namespace: "ada", path: "installs", files: { "README.md": "# installs\n", ".openhands/setup.sh": "#!/bin/bash\nset -e\nnpm install --no-audit --no-fund --no-package-lock --loglevel=error is-number@7.0.0\necho setup-done\n" } },
        { namespace: "ada", path: "broken", files: { "README.md": "# broken\n", ".openhands/setup.sh": "echo preparing\necho 'make: *** No rule to make target deps' >&2\nexit 3\n" } },
        { namespace: "ada", path: "slow", files: { "README.md": "# slow\n", ".openhands/setup.sh": "echo waiting\nsleep 30\n" } },
      ],
    }),
  ]);
  db = tdb.handle.db;
  ada = await connectUser(db, gl.oauth, { username: "ada", password: PASSWORD }, { cipher });
  workDir = await mkdtemp(join(tmpdir(), "setup-int-"));
});

afterAll(async () => {
  if (savedAllow === undefined) delete process.env.AGENT_NETWORK_ALLOW;
  else process.env.AGENT_NETWORK_ALLOW = savedAllow;
  await gl?.close();
  await tdb?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

async function run(path: string, message: string, over: Partial<RunDeps> = {}) {
  const project = (await (await fetch(`${gl.sandbox.url}/api/v4/projects/${encodeURIComponent(path)}`, { headers: { authorization: `Bearer ${ada.tokens.accessToken}` } })).json()) as { id: number };
  const c = await insertConversation(db, ada.userId, { projectId: project.id, projectPath: path, branch: "main", title: message.slice(0, 60) });
  await appendEvent(db, c.id, { kind: "user_message", text: message });
  const deps: RunDeps = { oauth: gl.oauth, runtime: createRuntime({ runtime: "scripted" }), timeoutMs: 60_000, heartbeatMs: 1_000, cancelPollMs: 200, enqueue: async () => undefined, appUrl: "http://app.test", workDir, cipher, lifecycles: {}, ...over };
  await runConversation(db, c.id, deps, new AbortController().signal);
  const conversation = await getConversation(db, { id: c.id, userId: ada.userId });
  return { conversation, events: (await listEvents(db, c.id)).map((e) => e.event) };
}

describe(".openhands/setup.sh", () => {
  it("installs a dependency through the allow-listed npm registry, and the agent then uses it", async () => {
    const { conversation, events } = await run("ada/installs", `run: node -e "console.log('is-number says', require('is-number')(5))"`);
    const setup = events.find((e) => e.kind === "setup");
    expect(setup).toMatchObject({ kind: "setup", script: ".openhands/setup.sh", ok: true, exitCode: 0 });
    expect(setup?.kind === "setup" && setup.output).toContain("setup-done");
    expect(events.findIndex((e) => e.kind === "setup")).toBeLessThan(events.findIndex((e) => e.kind === "command"));
    expect(events.some((e) => e.kind === "output" && e.text.includes("is-number says true"))).toBe(true);
    expect(conversation?.status).toBe("finished");
  }, 120_000);

  it("a failing script fails the run with its last lines as the reason, and the agent never starts", async () => {
    const { conversation, events } = await run("ada/broken", "create file never.txt with content no");
    expect(conversation?.status).toBe("failed");
    expect(conversation?.error).toContain("the setup script .openhands/setup.sh exited with code 3");
    expect(conversation?.error).toContain("make: *** No rule to make target deps");
    expect(events.find((e) => e.kind === "setup")).toMatchObject({ ok: false, exitCode: 3 });
    expect(events.some((e) => e.kind === "file_edit")).toBe(false);
  }, 60_000);

  it("has its own time limit", async () => {
    const started = Date.now();
    const { conversation, events } = await run("ada/slow", "answer: unreachable", { setupTimeoutMs: 1_500 });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(conversation?.status).toBe("failed");
    expect(conversation?.error).toContain("timed out after 2 s (AGENT_SETUP_TIMEOUT)");
    expect(events.find((e) => e.kind === "setup")).toMatchObject({ ok: false, timedOut: true });
  }, 60_000);

  it("reaches nothing the allow-list does not name: without it, the same install fails", async () => {
    process.env.AGENT_NETWORK_ALLOW = "";
    try {
      const { conversation, events } = await run("ada/installs", "answer: unreachable", { setupTimeoutMs: 45_000 });
      expect(conversation?.status).toBe("failed");
      expect(conversation?.error).toMatch(/the setup script \.openhands\/setup\.sh (exited with code [1-9]|timed out)/);
      expect(events.find((e) => e.kind === "setup")).toMatchObject({ ok: false });
    } finally {
      process.env.AGENT_NETWORK_ALLOW = "registry.npmjs.org";
    }
  }, 90_000);
});
