import crypto from "node:crypto";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
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
import { instructionFilesFor, MAX_INSTRUCTION_CHARS, readRepositoryInstructions } from "./repo-instructions";
import { runConversation } from "./run";
import { insertConversation } from "./testing/fixtures";

/**
 * The repository's instruction files reach the agent: the scripted agent echoes the prompt it
 * received, and the timeline names the files. Reading them never follows a symlink out of the checkout.
 */

const cipher = createCipherKit({ current: crypto.randomBytes(32).toString("base64") });
const PASSWORD = "correct-horse-battery";

let tdb: TestDatabase;
let db: Database;
let gl: SandboxFixture;
let ada: ConnectedUser;
let workDir: string;

beforeAll(async () => {
  [tdb, gl] = await Promise.all([
    createTestDatabase(),
    startSandboxFixture({
      users: [{ username: "ada", password: PASSWORD }],
      projects: [
        {
          namespace: "ada",
          path: "guided",
          files: {
            "README.md": "# guided\n",
            ".openhands/microagents/repo.md": "---\nagent: CodeActAgent\n---\nAlways run `make check` before you finish.\n",
            "AGENTS.md": "Indent with tabs.\n",
          },
        },
      ],
    }),
  ]);
  db = tdb.handle.db;
  ada = await connectUser(db, gl.oauth, { username: "ada", password: PASSWORD }, { cipher });
  workDir = await mkdtemp(join(tmpdir(), "instructions-int-"));
});

afterAll(async () => {
  await gl?.close();
  await tdb?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe("repository instructions", () => {
  it("are in the prompt the agent received, marked as the repository's, and named on the timeline", async () => {
    const projectId = ((await (await fetch(`${gl.sandbox.url}/api/v4/projects/ada%2Fguided`, { headers: { authorization: `Bearer ${ada.tokens.accessToken}` } })).json()) as { id: number }).id;
    const c = await insertConversation(db, ada.userId, { projectId, projectPath: "ada/guided", branch: "main", title: "echo" });
    await appendEvent(db, c.id, { kind: "user_message", text: "echo prompt" });
    const deps = { oauth: gl.oauth, runtime: createRuntime({ runtime: "scripted" }), timeoutMs: 60_000, heartbeatMs: 1_000, cancelPollMs: 200, enqueue: async () => undefined, appUrl: "http://app.test", workDir, cipher, lifecycles: {} };
    const report = await runConversation(db, c.id, deps, new AbortController().signal);
    expect(report).toEqual({ skipped: false, status: "finished" });

    const events = (await listEvents(db, c.id)).map((e) => e.event);
    const echoed = events.find((e) => e.kind === "message" && e.text.includes("## Current task"));
    const prompt = echoed?.kind === "message" ? echoed.text : "";
    expect(prompt.startsWith("## Repository instructions")).toBe(true);
    expect(prompt).toContain("### .openhands/microagents/repo.md\n\nAlways run `make check` before you finish.");
    expect(prompt).toContain("### AGENTS.md\n\nIndent with tabs.");
    expect(prompt).not.toContain("agent: CodeActAgent");
    expect(prompt.indexOf("Indent with tabs.")).toBeLessThan(prompt.indexOf("## Current task"));
    expect(events).toContainEqual({ kind: "status", text: "Repository instructions given to the agent: .openhands/microagents/repo.md, AGENTS.md" });
  }, 60_000);
});

describe("reading instruction files", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "instructions-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("AGENTS.md only for agents that do not read it themselves", () => {
    expect(instructionFilesFor("command:codex")).toEqual([".openhands/microagents/repo.md"]);
    expect(instructionFilesFor("command:opencode")).toEqual([".openhands/microagents/repo.md"]);
    for (const id of ["command:claude-code", "command:gemini", "command:openhands", "command:custom", "scripted"]) {
      expect(instructionFilesFor(id)).toEqual([".openhands/microagents/repo.md", "AGENTS.md"]);
    }
  });

  it("caps a long file and says so", async () => {
    const ws = join(dir, "long");
    await mkdir(ws, { recursive: true });
    await writeFile(join(ws, "AGENTS.md"), "x".repeat(MAX_INSTRUCTION_CHARS + 500));
    const [f] = await readRepositoryInstructions(ws, "scripted");
    expect(f).toMatchObject({ path: "AGENTS.md", truncated: true });
    expect(f!.text).toHaveLength(MAX_INSTRUCTION_CHARS);
  });

  it("never follows a symlink, for the file or a directory on its path", async () => {
    const secret = join(dir, "secret.env");
    await writeFile(secret, "DATABASE_URL=postgres://app:hunter2@db/app\n");
    const ws = join(dir, "evil");
    await mkdir(join(ws, "elsewhere/microagents"), { recursive: true });
    await writeFile(join(ws, "elsewhere/microagents/repo.md"), "points outside via the directory\n");
    await symlink(secret, join(ws, "AGENTS.md"));
    await symlink(join(ws, "elsewhere"), join(ws, ".openhands"));
    expect(await readRepositoryInstructions(ws, "scripted")).toEqual([]);
  });
});
