// Webhook sweep (`npm run bench:sweep`): a user with 1,000 personal projects signs in and hooks.sync
// installs our webhook on every one, through the app's real code (lib/webhook-installations) over HTTP to the
// sandbox on loopback. Reported: wall time, GitLab requests per resource (from the sandbox's
// /-/sandbox/stats), the same sweep run sequentially (concurrency 1) for the ratio, and a second,
// idempotent run. The sandbox adds a fixed latency to every API call (default 10 ms) so that the
// comparison measures round trips, as against a real GitLab, not the speed of an in-process stub.
//   npm run bench:sweep -- --projects 1000 --concurrency 6 --latency-ms 10
import crypto from "node:crypto";
import { parseArgs } from "node:util";
import { z } from "zod";
import { openDatabase } from "@/db/client";
import { webhookInstallations } from "@/db/schema";
import { createCipherKit } from "@/lib/crypto";
import { connectUser } from "@/lib/gitlab/testing/connected-user";
import { startSandboxFixture } from "@/lib/gitlab/testing/sandbox-fixture";
import { openHookSession } from "@/lib/webhook-installations/session";
import { syncUserHooks, type SyncReport } from "@/lib/webhook-installations/sync";

const { values: args } = parseArgs({
  options: {
    projects: { type: "string", default: "1000" },
    concurrency: { type: "string", default: "6" },
    "latency-ms": { type: "string", default: "10" },
  },
});
const PROJECTS = Math.min(5_000, Math.max(1, Number(args.projects)));
const CONCURRENCY = Math.min(32, Math.max(1, Number(args.concurrency)));
const LATENCY_MS = Math.min(200, Math.max(0, Number(args["latency-ms"])));
const APP_URL = "https://agent.bench.example";
const PASSWORD = "bench-password-123";

const statsSchema = z.object({ total: z.number(), by_route: z.record(z.string(), z.number()) });

async function main() {
  const gl = await startSandboxFixture({
    users: [{ username: "bench", password: PASSWORD }],
    projects: Array.from({ length: PROJECTS }, (_, i) => ({ namespace: "bench", path: `project-${i + 1}` })),
  });
  const handle = await openDatabase({ dataDir: "memory", migrate: true });
  try {
    const cipher = createCipherKit({ current: crypto.randomBytes(32).toString("base64") });
    const { userId } = await connectUser(handle.db, gl.oauth, { username: "bench", password: PASSWORD }, { cipher });
    if (LATENCY_MS > 0) await gl.control("faults", { path: "^/api/v4/", delay_ms: LATENCY_MS });

    const run = async (concurrency: number) => {
      await gl.resetStats();
      const session = await openHookSession(handle.db, userId, { oauth: gl.oauth, cipher });
      const started = performance.now();
      const report: SyncReport = await syncUserHooks(handle.db, userId, { oauth: gl.oauth, appUrl: APP_URL, concurrency, session });
      const wallMs = performance.now() - started;
      const stats = statsSchema.parse(await gl.control("stats"));
      return { wallMs, report, stats };
    };
    const wipe = async () => {
      gl.sandbox.store.hooks.clear();
      await handle.db.delete(webhookInstallations);
    };

    const concurrent = await run(CONCURRENCY);
    const hooks = gl.sandbox.store.hooks.size;
    if (concurrent.report.created !== PROJECTS || hooks !== PROJECTS) throw new Error(`installed ${concurrent.report.created} (${hooks} hooks) of ${PROJECTS}`);
    const again = await run(CONCURRENCY);
    if (gl.sandbox.store.hooks.size !== PROJECTS || again.report.created !== 0) throw new Error("the second sweep created hooks");
    await wipe();
    const sequential = await run(1);
    if (sequential.report.created !== PROJECTS) throw new Error(`sequential run installed ${sequential.report.created}`);

    const perResource = (total: number) => Number((total / PROJECTS).toFixed(3));
    const result = {
      bench: "sweep",
      projects: PROJECTS,
      concurrency: CONCURRENCY,
      latency_ms_per_request: LATENCY_MS,
      install: {
        wall_ms: Math.round(concurrent.wallMs),
        requests: concurrent.stats.total,
        requests_per_resource: perResource(concurrent.stats.total),
        by_route: concurrent.stats.by_route,
      },
      sequential_install: { wall_ms: Math.round(sequential.wallMs), requests_per_resource: perResource(sequential.stats.total) },
      speedup_vs_sequential: Number((sequential.wallMs / concurrent.wallMs).toFixed(2)),
      idempotent_rerun: { wall_ms: Math.round(again.wallMs), requests_per_resource: perResource(again.stats.total), created: again.report.created },
      target_requests_per_new_resource: 3,
      meets_target: perResource(concurrent.stats.total) <= 3,
    };
    console.error(
      `${PROJECTS} projects: ${result.install.wall_ms} ms at concurrency ${CONCURRENCY} vs ${result.sequential_install.wall_ms} ms sequential ` +
        `(×${result.speedup_vs_sequential}); ${result.install.requests_per_resource} GitLab requests per new resource; ` +
        `re-run ${result.idempotent_rerun.wall_ms} ms, ${result.idempotent_rerun.requests_per_resource} requests per resource`,
    );
    console.log(JSON.stringify(result));
  } finally {
    await handle.close();
    await gl.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
