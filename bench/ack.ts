// Acknowledgment latency (`npm run bench:ack`): from labelling an issue `openhands` on GitLab (the
// sandbox) to the app's "I'm on it" comment existing there, over 50 triggers. The whole path is the
// production one: the sandbox's webhook delivery → `next start` (real Postgres, in-process worker)
// → receiver → queue → webhook.process → permission check and 👀/ack on GitLab's API.
// Each trigger's run (scripted agent, an answer) is allowed to finish before the next label, so
// runs do not pile up on the 2 cores. Target: p95 under 250 ms (the worker wakes on a new delivery
// instead of waiting for pg-boss's 0.5 s poll, lib/jobs/delivery-wakeup.ts). Loopback only, bounded, prints one
// JSON line, with the same measurement without the wake-up (JOBS_WAKE_ON_DELIVERY=0) as the baseline.
//   npm run bench:ack -- [--triggers 50] [--baseline 0]
import os from "node:os";
import { parseArgs } from "node:util";
import { createCipherKit } from "@/lib/crypto";
import { connectUser } from "@/lib/gitlab/testing/connected-user";
import { startSandboxFixture } from "@/lib/gitlab/testing/sandbox-fixture";
import { createTestInstallation } from "@/lib/webhook-receiver/testing/receiver-fixture";
import { createBenchDatabase, ensureBuild, freePort, percentile, randomKey, startNext } from "./support/app-server";

const { values: args } = parseArgs({ options: { triggers: { type: "string", default: "50" }, warmup: { type: "string", default: "3" }, baseline: { type: "string", default: "1" } } });
/** `--baseline 0` skips the poll-only baseline run */
const BASELINE = args.baseline !== "0";
const TRIGGERS = Math.min(500, Math.max(1, Number(args.triggers)));
const WARMUP = Math.min(20, Math.max(0, Number(args.warmup)));
const PASSWORD = "bench-password-123";
const MARK = "<!-- openhands-agent";

async function main() {
  const build = ensureBuild(["api/gitlab/webhook"]);
  const db = await createBenchDatabase();
  const gl = await startSandboxFixture({
    users: [{ username: "bench", password: PASSWORD, personal_access_tokens: [{ name: "bench", scopes: ["api"] }] }],
    projects: [{ namespace: "bench", path: "app", files: { "README.md": "# Bench\n" }, labels: ["openhands"] }],
  });
  let server: Awaited<ReturnType<typeof startNext>> | undefined;
  try {
    const encryptionKey = randomKey();
    const { userId } = await connectUser(db.handle.db, gl.oauth, { username: "bench", password: PASSWORD }, { cipher: createCipherKit({ current: encryptionKey }) });
    const project = gl.sandbox.store.findProject("bench/app");
    const token = [...gl.sandbox.store.pats.values()][0]?.token;
    if (!project || !token) throw new Error("seed failed");
    const { secret } = await createTestInstallation(db.handle, { baseUrl: gl.sandbox.url, resourceId: project.id, resourcePath: "bench/app", installedBy: userId });
    const api = async (method: string, path: string, body?: unknown): Promise<unknown> => {
      const res = await fetch(`${gl.sandbox.url}/api/v4${path}`, { method, headers: { "private-token": token, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return res.json();
    };
    const hookEvents = { token: secret, push_events: false, issues_events: true, note_events: true, confidential_issues_events: true, confidential_note_events: true, merge_requests_events: true };
    const hook = (await api("POST", `/projects/${project.id}/hooks`, { url: "http://127.0.0.1:9/", ...hookEvents })) as { id: number };

    /** Our comment on the issue, from the sandbox's own store (no polling traffic through the API). */
    const hasComment = (iid: number, key: string) =>
      [...gl.sandbox.store.notes.values()].some((n) => n.projectId === project.id && n.noteableIid === iid && n.noteableType === "Issue" && n.body.includes(`${MARK} ${key}`));
    const until = async (what: string, fn: () => boolean, timeoutMs: number) => {
      const deadline = performance.now() + timeoutMs;
      while (!fn()) {
        if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 2));
      }
      return performance.now();
    };

    /** One app server (wake-up on or off), TRIGGERS labels, the ack latencies. */
    const measure = async (wake: boolean): Promise<number[]> => {
      const port = await freePort();
      const appUrl = `http://127.0.0.1:${port}`;
      await api("PUT", `/projects/${project.id}/hooks/${hook.id}`, { url: `${appUrl}/api/gitlab/webhook`, ...hookEvents });
      server = await startNext(
        {
          DATABASE_URL: db.url,
          ENCRYPTION_KEY: encryptionKey,
          AUTH_SECRET: randomKey(),
          GITLAB_URL: gl.sandbox.url,
          GITLAB_CLIENT_ID: gl.oauth.clientId,
          GITLAB_CLIENT_SECRET: gl.oauth.clientSecret,
          DEMO_MODE: "off",
          WORKER_IN_PROCESS: "on",
          AGENT_RUNTIME: "scripted",
          APP_URL: appUrl,
          JOBS_WAKE_ON_DELIVERY: wake ? "1" : "0",
        },
        port,
      );
      const latencies: number[] = [];
      try {
        for (let i = 0; i < WARMUP + TRIGGERS; i++) {
          const issue = (await api("POST", `/projects/${project.id}/issues`, { title: `Bench ${i}`, description: "answer: acknowledged" })) as { iid: number };
          await gl.sandbox.settleDeliveries();
          const t0 = performance.now();
          await api("PUT", `/projects/${project.id}/issues/${issue.iid}`, { add_labels: "openhands" });
          const t1 = await until(`the ack on #${issue.iid}`, () => hasComment(issue.iid, "ack/"), 20_000);
          if (i >= WARMUP) latencies.push(t1 - t0);
          await until(`the final comment on #${issue.iid}`, () => hasComment(issue.iid, "final/"), 60_000);
        }
      } finally {
        await server.close();
        server = undefined;
      }
      return latencies;
    };

    // Side by side in one run: the queue's poll alone (the baseline), then with the wake-up.
    const baseline = BASELINE ? await measure(false) : null;
    const latencies = await measure(true);
    console.log(
      JSON.stringify({
        bench: "ack",
        db: "postgres",
        build,
        triggers: latencies.length,
        p50_ms: percentile(latencies, 50),
        p95_ms: percentile(latencies, 95),
        max_ms: percentile(latencies, 100),
        ...(baseline ? { baseline_poll_only_p50_ms: percentile(baseline, 50), baseline_poll_only_p95_ms: percentile(baseline, 95) } : {}),
        target_p95_ms: 250,
        pass: percentile(latencies, 95) < 250,
        load_average_1m: Math.round(os.loadavg()[0]! * 100) / 100,
      }),
    );
  } finally {
    await server?.close();
    await gl.close();
    await db.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
