import { describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import type { JobQueue } from "@/lib/jobs/queue";
import { checkHealth } from "./health";

const okDb = async () => ({ db: { execute: async () => ({ rows: [] }) } }) as unknown as DbHandle;
const okQueue = async () => ({ boss: { getQueueSize: async () => 0 } }) as unknown as JobQueue;

describe("checkHealth", () => {
  it("reports ok when the database and the queue answer", async () => {
    expect(await checkHealth(okDb, okQueue, "1.2.3")).toEqual({ status: "ok", db: "ok", queue: "ok", version: "1.2.3" });
  });

  it("names the database when it is down, and keeps checking the queue", async () => {
    const downDb = async (): Promise<DbHandle> => {
      throw new Error("Cannot connect to the database at postgres://db:5432/app: ECONNREFUSED");
    };
    const report = await checkHealth(downDb, okQueue, "1.2.3");
    expect(report).toMatchObject({ status: "degraded", db: "down", queue: "ok" });
    expect(report.errors).toEqual({ db: expect.stringContaining("ECONNREFUSED") });
  });

  it("names the queue when it is down", async () => {
    const downQueue = async () => ({ boss: { getQueueSize: async () => Promise.reject(new Error("relation pgboss.queue does not exist")) } }) as unknown as JobQueue;
    const report = await checkHealth(okDb, downQueue, "1.2.3");
    expect(report).toMatchObject({ status: "degraded", db: "ok", queue: "down", errors: { queue: "relation pgboss.queue does not exist" } });
  });
});

describe("checkHealth with the agent sandbox (real probe)", () => {
  it("reports the sandbox ok when bubblewrap really starts here", async () => {
    const { sandboxHealth } = await import("@/lib/agent/sandbox");
    expect(await checkHealth(okDb, okQueue, "1.2.3", sandboxHealth)).toEqual({ status: "ok", db: "ok", queue: "ok", sandbox: "ok", version: "1.2.3" });
  });

  it("is degraded and says what to install when a sandbox tool is missing", async () => {
    const { probeSandbox } = await import("@/lib/agent/sandbox/probe");
    const check = () => probeSandbox({ bwrap: "/nonexistent/bwrap", socat: "/usr/bin/socat", prlimit: "/usr/bin/prlimit", setpriv: "/usr/bin/setpriv" }).then(
      () => ({ ok: true as const }),
      (err: Error) => ({ ok: false as const, error: err.message }),
    );
    const report = await checkHealth(okDb, okQueue, "1.2.3", check);
    expect(report).toMatchObject({ status: "degraded", sandbox: "unavailable" });
    expect(report.errors?.sandbox).toMatch(/bubblewrap \(\/nonexistent\/bwrap\) is missing\. Install them with `apt-get install bubblewrap socat/);
  });

  it("says off with AGENT_SANDBOX=off, without failing the check", async () => {
    expect(await checkHealth(okDb, okQueue, "1.2.3", async () => ({ off: true }))).toMatchObject({ status: "ok", sandbox: "off" });
  });
});
