import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertConnection } from "@/lib/gitlab/testing/queries";
import { scheduledJobs } from "@/lib/jobs/definitions";
import { startQueue, type JobQueue } from "@/lib/jobs/queue";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { insertUser } from "@/lib/users/testing/queries";
import { enqueueHooksSync, usersToSync } from "./enqueue";

/** The periodic sweep is a pg-boss cron schedule; sign-ins and the sweep queue one sync per user. */
let tdb: TestDatabase;
let queue: JobQueue;

beforeAll(async () => {
  tdb = await createTestDatabase();
  queue = await startQueue(tdb.handle, { maintenanceIntervalSeconds: 60 });
});

afterAll(async () => {
  await queue?.stop({ graceful: false, timeout: 2_000 });
  await tdb?.close();
});

let nextGitlabId = 1;
async function addUser(name: string, baseUrl: string, status: "active" | "needs_reauth") {
  const gitlabUserId = nextGitlabId++;
  const u = await insertUser(tdb.handle.db, { gitlabBaseUrl: baseUrl, gitlabUserId, username: name, name });
  await insertConnection(tdb.handle.db, { userId: u.id, baseUrl, gitlabUserId, username: name, accessTokenEnc: "x", status });
  return u.id;
}

describe("hooks.sweep schedule", () => {
  it("is registered with pg-boss every HOOKS_SYNC_INTERVAL_MINUTES (default 10)", async () => {
    expect(scheduledJobs()).toContainEqual({ name: "hooks.sweep", cron: "*/10 * * * *" });
    const schedules = await queue.boss.getSchedules();
    expect(schedules.map((s) => ({ name: s.name, cron: s.cron }))).toContainEqual({ name: "hooks.sweep", cron: "*/10 * * * *" });
  });

  it("syncs every active connection of this GitLab instance, and only those", async () => {
    const a = await addUser("anna", "https://gitlab.example.com", "active");
    await addUser("bert", "https://gitlab.example.com", "needs_reauth");
    await addUser("carl", "https://other.example.com", "active");
    expect(await usersToSync(tdb.handle.db, "https://gitlab.example.com/")).toEqual([a]);
  });

  it("at most one sync per user waits in the queue", async () => {
    const id = await addUser("dora", "https://gitlab.example.com", "active");
    const first = await enqueueHooksSync(queue, id, "sign_in");
    const second = await enqueueHooksSync(queue, id, "schedule");
    expect(first).toEqual(expect.any(String));
    expect(second).toBeNull();
    const job = await queue.boss.getJobById("hooks.sync", first ?? "");
    expect(job?.data).toEqual({ userId: id, reason: "sign_in" });
  });
});
