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
import { SECRET_NOT_KEPT } from "./changes";
import { getChanges } from "./queries";
import { appendEvent, listEvents } from "./events";
import { runConversation } from "./run";
import { insertConversation } from "./testing/fixtures";

/**
 * Attack 13 on app-launched conversations, whose work is kept in the database until the user
 * pushes it: an agent that writes its token into a file (base64 of `oauth2:<token>`, as a Basic
 * header would carry it). The work is not kept (the database would hold the token in clear, and
 * the push would carry it to GitLab), the timeline says why, and shows no part of the token.
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
    startSandboxFixture({ users: [{ username: "ada", password: PASSWORD }], projects: [{ namespace: "ada", path: "demo", files: { "README.md": "# demo\n" } }] }),
  ]);
  db = tdb.handle.db;
  ada = await connectUser(db, gl.oauth, { username: "ada", password: PASSWORD }, { cipher });
  workDir = await mkdtemp(join(tmpdir(), "leak-int-"));
});

afterAll(async () => {
  await gl?.close();
  await tdb?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe("an app conversation whose agent writes its token into a file", () => {
  it("keeps no changes, says why, and stores the token nowhere", async () => {
    const command = ['printf oauth2:%s "$GITLAB_TOKEN" | base64 -w0 > creds.txt', "echo ok > ok.txt", 'printf \'{"kind":"message","text":"Done."}\\n\''].join("; ");
    const c = await insertConversation(db, ada.userId, { projectId: 1, projectPath: "ada/demo", branch: "main", title: "Do it" });
    await appendEvent(db, c.id, { kind: "user_message", text: "do it" });
    const report = await runConversation(
      db,
      c.id,
      { oauth: gl.oauth, runtime: createRuntime({ runtime: "command", preset: "custom", customCommand: command, customFormat: "jsonl" }), timeoutMs: 60_000, heartbeatMs: 1_000, cancelPollMs: 200, enqueue: async () => undefined, appUrl: "http://app.test", workDir, cipher, lifecycles: {} },
      new AbortController().signal,
    );
    expect(report).toEqual({ skipped: false, status: "finished" });
    expect(await getChanges(db, c.id)).toBeNull();
    const events = await listEvents(db, c.id, 0, 1000);
    expect(events.some((e) => e.event.kind === "error" && e.event.message === SECRET_NOT_KEPT)).toBe(true);
    const core = Buffer.from(`oauth2:${ada.tokens.accessToken}`).toString("base64").slice(12, 60);
    const stored = JSON.stringify(events);
    expect(stored).toContain("Done.");
    expect(stored).not.toContain(core);
    expect(stored).not.toContain(ada.tokens.accessToken);
  }, 60_000);

  it("a change too large to keep ends the run with that reason (git's output is not read past the limit)", async () => {
    const command = ["head -c 12000000 /dev/urandom > big.bin", 'printf \'{"kind":"message","text":"Done."}\\n\''].join("; ");
    const c = await insertConversation(db, ada.userId, { projectId: 1, projectPath: "ada/demo", branch: "main", title: "Big" });
    await appendEvent(db, c.id, { kind: "user_message", text: "make it big" });
    const report = await runConversation(
      db,
      c.id,
      { oauth: gl.oauth, runtime: createRuntime({ runtime: "command", preset: "custom", customCommand: command, customFormat: "jsonl" }), timeoutMs: 60_000, heartbeatMs: 1_000, cancelPollMs: 200, enqueue: async () => undefined, appUrl: "http://app.test", workDir, cipher, lifecycles: {} },
      new AbortController().signal,
    );
    expect(report).toEqual({ skipped: false, status: "failed" });
    const events = await listEvents(db, c.id, 0, 1000);
    // The reason is recorded once, on the run's result (issue 17).
    expect(events.some((e) => e.event.kind === "result" && e.event.outcome === "failed" && e.event.summary.includes("too large to keep (over 10 MB)"))).toBe(true);
  }, 60_000);
});
