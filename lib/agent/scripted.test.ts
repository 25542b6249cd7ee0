import { mkdtemp, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AgentEvent } from "./events";
import { createRuntime, type AgentTask } from "./runtime";
import { parseInstructions, taskSection } from "@gitlab-agent/model-sandbox/instructions";

let dir = "";
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "scripted-test-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function task(prompt: string, over: Partial<AgentTask> = {}): AgentTask {
  return { workspaceDir: dir, prompt, env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir }, conversationId: "c1", signal: new AbortController().signal, timeoutMs: 60_000, ...over };
}

async function run(prompt: string, over: Partial<AgentTask> = {}) {
  const events: AgentEvent[] = [];
  const result = await createRuntime({ runtime: "scripted" }).run(task(prompt, over), (e) => { events.push(e); });
  return { result, events };
}

const exists = (p: string) => stat(p).then(() => true, () => false);

describe("scripted instruction grammar", () => {
  it("reads instructions per line and per `;`, with escapes and list markers", () => {
    expect(parseInstructions("Context line\n- Create File a.txt with content x\\ny; append more\\; text to a.txt\n1. answer: 42\nsleep 2\nrun: echo hi\nfail: nope\ndelete file `b.txt`")).toEqual([
      { type: "create", path: "a.txt", content: "x\ny\n" },
      { type: "append", path: "a.txt", text: "more; text\n" },
      { type: "answer", text: "42" },
      { type: "sleep", seconds: 2 },
      { type: "run", command: "echo hi" },
      { type: "fail", reason: "nope" },
      { type: "delete", path: "b.txt" },
    ]);
  });

  it("uses only the last task section when the prompt has headings", () => {
    const prompt = "## Task\ncreate file old.txt with content 1\n## Conversation so far\n### The user wrote\nanswer: old\n## Current task\ncreate file new.txt with content 2\n### Steps (a heading inside the issue text)\nappend 3 to new.txt";
    expect(taskSection(prompt).trim()).toBe("create file new.txt with content 2\n### Steps (a heading inside the issue text)\nappend 3 to new.txt");
    expect(parseInstructions(prompt)).toEqual([{ type: "create", path: "new.txt", content: "2\n" }, { type: "append", path: "new.txt", text: "3\n" }]);
    expect(parseInstructions("Please `create file x.md`")).toEqual([{ type: "create", path: "x.md", content: "" }]);
  });
});

describe("scripted runtime", () => {
  it("creates a file with realistic events and resolves", async () => {
    const rt = createRuntime({ runtime: "scripted" });
    expect(rt).toMatchObject({ id: "scripted", label: "Test agent (scripted)", isTestAgent: true });
    const { result, events } = await run("create file hello.txt with content hi");
    expect(await readFile(join(dir, "hello.txt"), "utf8")).toBe("hi\n");
    expect(result).toEqual({ outcome: "resolved", summary: "Created `hello.txt`." });
    expect(events.map((e) => e.kind)).toEqual(["message", "command", "output", "file_edit", "message"]);
    expect(events[1]).toEqual({ kind: "command", id: "scripted-1", command: "tee 'hello.txt'" });
    expect(events[2]).toEqual({ kind: "output", commandId: "scripted-1", text: "hi\n", exitCode: 0 });
    expect(events[3]).toEqual({ kind: "file_edit", path: "hello.txt", action: "create" });
  });

  it("appends (creating directories) and deletes", async () => {
    await writeFile(join(dir, "keep.txt"), "a");
    const { result, events } = await run("append b to keep.txt\nappend line to sub/new.txt\ndelete file keep.txt");
    expect(result.outcome).toBe("resolved");
    expect(await readFile(join(dir, "sub/new.txt"), "utf8")).toBe("line\n");
    expect(await exists(join(dir, "keep.txt"))).toBe(false);
    expect(events.filter((e) => e.kind === "file_edit")).toEqual([
      { kind: "file_edit", path: "keep.txt", action: "modify" },
      { kind: "file_edit", path: "sub/new.txt", action: "create" },
      { kind: "file_edit", path: "keep.txt", action: "delete" },
    ]);
  });

  it("keeps existing content when appending", async () => {
    await writeFile(join(dir, "notes.md"), "first");
    await run("append second to notes.md");
    expect(await readFile(join(dir, "notes.md"), "utf8")).toBe("first\nsecond\n");
  });

  it("answers without changing files", async () => {
    const { result, events } = await run("What is this repo?\nanswer: It is a **demo**.");
    expect(result).toEqual({ outcome: "answered", summary: "It is a **demo**." });
    expect(events.some((e) => e.kind === "message" && e.text === "It is a **demo**.")).toBe(true);
  });

  it("fails with the reason", async () => {
    const { result, events } = await run("fail: the tests are red");
    expect(result).toMatchObject({ outcome: "failed", error: "the tests are red" });
    expect(events).toContainEqual({ kind: "error", message: "the tests are red" });
  });

  it("reports not_resolved when it understands nothing", async () => {
    const { result } = await run("Please refactor everything nicely.");
    expect(result.outcome).toBe("not_resolved");
    expect(result.summary).toMatch(/no instruction I understand/);
  });

  it("runs shell commands in the workspace with the task env", async () => {
    const { result, events } = await run("run: echo $GREETING > greeting.txt; run: cat greeting.txt; run: exit 3", { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", GREETING: "hello" } });
    expect(result.outcome).toBe("resolved");
    expect(events).toContainEqual({ kind: "command", id: "scripted-2", command: "cat greeting.txt" });
    expect(events).toContainEqual({ kind: "output", commandId: "scripted-2", text: "hello\n", exitCode: 0 });
    expect(events).toContainEqual({ kind: "output", commandId: "scripted-3", text: "", exitCode: 3 });
  });

  it.each([
    ["../escape.txt"],
    ["/tmp/absolute.txt"],
    ["a/../../escape.txt"],
    [".git/config"],
  ])("refuses the path %s", async (path) => {
    const { result, events } = await run(`create file ${path} with content bad`);
    expect(result.outcome).toBe("failed");
    expect(result.error).toMatch(/Refusing path/);
    expect(events.some((e) => e.kind === "file_edit")).toBe(false);
    expect(await exists(join(dir, "..", "escape.txt"))).toBe(false);
  });

  it("refuses to write through a symlink that leaves the workspace", async () => {
    const outside = await mkdtemp(join(tmpdir(), "scripted-outside-"));
    try {
      await symlink(outside, join(dir, "link"));
      const { result } = await run("create file link/pwned.txt with content bad");
      expect(result.outcome).toBe("failed");
      expect(await exists(join(outside, "pwned.txt"))).toBe(false);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it("aborts `sleep 30` within 2 s as cancelled", async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 200);
    const { result } = await run("sleep 30", { signal: controller.signal });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(result).toMatchObject({ outcome: "failed", cancelled: true });
  });

  it("stops at the time limit as timed out", async () => {
    const started = Date.now();
    const { result } = await run("sleep 30", { timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(result).toMatchObject({ outcome: "failed", timedOut: true });
  });

  it("still times out when the garbage collector runs meanwhile (nodejs/node#57736)", async () => {
    // A timeout signal held only by AbortSignal.any() could be collected and never fire; collect hard
    // while the agent sleeps and expect the time limit to end the run anyway.
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const collecting = setInterval(gc, 20);
    try {
      const outcome = run("sleep 30", { timeoutMs: 400 }).then(({ result }) => result);
      const stuck = new Promise<"stuck">((resolve) => setTimeout(() => resolve("stuck"), 10_000).unref());
      expect(await Promise.race([outcome, stuck])).toMatchObject({ outcome: "failed", timedOut: true });
    } finally {
      clearInterval(collecting);
    }
  });

  it("kills a running `run:` command when cancelled", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const started = Date.now();
    const { result } = await run("run: sleep 30", { signal: controller.signal });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(result).toMatchObject({ outcome: "failed", cancelled: true });
  });
});

describe("scripted review and prompt echo", () => {
  it("echoes the whole prompt it received", async () => {
    const prompt = "Repository instructions: be nice.\n\n## Current task\n\necho prompt";
    const { result } = await run(prompt);
    expect(result.outcome).toBe("answered");
    expect(result.summary).toContain("Repository instructions: be nice.");
  });

  it("ends a review with the openhands-review block holding its findings", async () => {
    const { result } = await run("## Current task\nreview summary: Fine overall\nfinding src/a.ts:3 Needs a test\nfinding src/a.ts:7:old Why removed?");
    expect(result.outcome).toBe("answered");
    const block = /```openhands-review\n([\s\S]*?)\n```/.exec(result.summary)?.[1];
    expect(JSON.parse(block ?? "null")).toEqual({
      summary: "Fine overall",
      findings: [
        { file: "src/a.ts", line: 3, side: "new", body: "Needs a test" },
        { file: "src/a.ts", line: 7, side: "old", body: "Why removed?" },
      ],
    });
  });
});

describe("scripted review without findings", () => {
  it("answers a bare review request honestly, in the review format", async () => {
    const { result } = await run("Context\n\n## Current task\n\nreview (automatic review of a new merge request)");
    expect(result.outcome).toBe("answered");
    expect(result.summary).toContain("does not read code");
    expect(result.summary).toMatch(/```openhands-review\n[\s\S]*"findings": \[\]/);
  });
});

describe("the test agent's `run:` lines run in the agent sandbox", () => {
  it("see neither the app's directory nor the host's /tmp, and a 4 GB allocation ends the run with the memory limit", async () => {
    const nonce = `${process.pid}-${Date.now()}`;
    const { result, events } = await run(
      [
        `run: test -e ${join(process.cwd(), "package.json")} && echo APP-VISIBLE || echo app-hidden`,
        `run: echo pwned > /tmp/scripted-escape-${nonce}; echo done`,
        "run: echo kept > in-checkout.txt",
        "run: dd if=/dev/zero of=/dev/null bs=4G count=1",
        "create file never.txt with content the run stopped before this",
      ].join("\n"),
    );
    const output = events.map((e) => (e.kind === "output" ? e.text : "")).join("\n");
    expect(output).toContain("app-hidden");
    expect(output).not.toContain("APP-VISIBLE");
    expect(await exists(`/tmp/scripted-escape-${nonce}`)).toBe(false);
    expect(await readFile(join(dir, "in-checkout.txt"), "utf8")).toBe("kept\n");
    expect(result).toMatchObject({ outcome: "failed", error: expect.stringMatching(/memory limit \(AGENT_MEMORY_MB=/) });
    expect(await exists(join(dir, "never.txt"))).toBe(false);
  });
});
