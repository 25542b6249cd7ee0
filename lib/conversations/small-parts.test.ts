import { describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";
import { secretNameSchema } from "@/lib/secrets/validation";
import { agentSettings } from "./agent-settings";
import { Semaphore } from "./semaphore";
import { canTransition } from "./status";
import { pausedBeforeTick } from "./sweeper";
import { workBranchName } from "./work-branch";

describe("workBranchName", () => {
  it("is openhands/<short id>-<slug>, always a safe ref name", () => {
    const id = "0f8e2c4a-1111-2222-3333-444455556666";
    expect(workBranchName({ id, title: "Create file hello.txt with content hi" })).toBe("openhands/0f8e2c4a-create-file-hello-txt-with-content-hi");
    expect(workBranchName({ id, title: "Ünïcödé & ~^:?*[ refs.." })).toBe("openhands/0f8e2c4a-unicode-refs");
    expect(workBranchName({ id, title: "" })).toBe("openhands/0f8e2c4a");
    expect(workBranchName({ id, title: "x".repeat(200) }).length).toBeLessThanOrEqual(60);
  });
});

describe("secret names", () => {
  it("are environment variable names, at most 100 characters, not PATH or HOME", () => {
    for (const ok of ["GITLAB_TOKEN", "_x", "a1", "OPENAI_API_KEY"]) expect(secretNameSchema.safeParse(ok).success, ok).toBe(true);
    for (const bad of ["1A", "A-B", "A B", "", "PATH", "HOME", "path", "É", "x".repeat(101)]) expect(secretNameSchema.safeParse(bad).success, bad).toBe(false);
  });
});

describe("status machine", () => {
  it("only re-opens terminal conversations through queued", () => {
    expect(canTransition("queued", "starting")).toBe(true);
    expect(canTransition("running", "finished")).toBe(true);
    expect(canTransition("finished", "running")).toBe(false);
    expect(canTransition("failed", "queued")).toBe(true);
    expect(canTransition("queued", "finished")).toBe(false);
  });
});

describe("Semaphore", () => {
  it("lets `size` holders in and queues the rest in order", async () => {
    const s = new Semaphore(2);
    const order: string[] = [];
    const r1 = await s.acquire();
    const r2 = await s.acquire();
    const third = s.acquire().then((r) => {
      order.push("third");
      return r;
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(order).toEqual([]);
    r1();
    r1(); // releasing twice frees one slot only
    const r3 = await third;
    expect(order).toEqual(["third"]);
    r2();
    r3();
    await s.acquire();
    await s.acquire();
  });
});

describe("AGENT_* configuration", () => {
  const base = { ENCRYPTION_KEY: "0".repeat(64), AUTH_SECRET: "x".repeat(40), DATA_DIR: "/nonexistent" };

  it("defaults to the scripted agent, 30 min, 2 at a time, 5 s heartbeats", () => {
    const s = agentSettings(parseEnv(base));
    expect(s).toEqual({ runtimeConfig: { runtime: "scripted" }, timeoutMs: 1_800_000, concurrency: 2, heartbeatMs: 5_000, staleAfterMs: 20_000 });
  });

  it("reads the command runtime and refuses incomplete or bad settings with one clear line", () => {
    const s = agentSettings(parseEnv({ ...base, AGENT_RUNTIME: "command", AGENT_PRESET: "custom", AGENT_COMMAND: "my-agent", AGENT_OUTPUT_FORMAT: "jsonl", AGENT_TIMEOUT: "60" }));
    expect(s.runtimeConfig).toEqual({ runtime: "command", preset: "custom", customCommand: "my-agent", customFormat: "jsonl" });
    expect(s.timeoutMs).toBe(60_000);
    expect(() => parseEnv({ ...base, AGENT_RUNTIME: "command" })).toThrow(/AGENT_PRESET is required/);
    expect(() => parseEnv({ ...base, AGENT_RUNTIME: "command", AGENT_PRESET: "custom" })).toThrow(/AGENT_COMMAND is required/);
    expect(() => parseEnv({ ...base, AGENT_RUNTIME: "docker" })).toThrow(/AGENT_RUNTIME must be scripted or command/);
    expect(() => parseEnv({ ...base, AGENT_TIMEOUT: "1" })).toThrow(/AGENT_TIMEOUT must be at least 5 seconds/);
    expect(() => parseEnv({ ...base, AGENT_CONCURRENCY: "0" })).toThrow(/AGENT_CONCURRENCY/);
  });
});

describe("the sweeper after a pause of its own process", () => {
  const every = 10_000;
  it("sweeps on time, and when a tick is merely a little late", () => {
    expect(pausedBeforeTick(0, every, every, false)).toBe(false);
    expect(pausedBeforeTick(0, every + 900, every, false)).toBe(false);
  });
  it("stands aside once when the process was frozen, so its own runs can beat their heartbeats first", () => {
    expect(pausedBeforeTick(0, every + 27_000, every, false)).toBe(true);
  });
  it("never stands aside twice in a row, so a process whose timers are always late still sweeps", () => {
    expect(pausedBeforeTick(0, every + 27_000, every, true)).toBe(false);
  });
});
