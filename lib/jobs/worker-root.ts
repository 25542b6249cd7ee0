import { getDb } from "@/db";
import { getEnv } from "@/lib/env";
import { log } from "@/lib/log";
import { getQueue, startedQueue } from "./send";
import { startWorker, type RunningWorker } from "./worker";
import { startDeliveryWakeup } from "./delivery-wakeup";
import { enqueueRecovery } from "@/lib/webhook-installations/enqueue-recovery";
import { handlers } from "./handlers";
import { agentSettings } from "@/lib/conversations/agent-settings";
import { queueEnqueuer } from "@/lib/conversations/enqueue";
import { startSweeper } from "@/lib/conversations/sweeper";
import { removeOrphanedWorkDirs } from "@/lib/agent/work-dirs";
import { reportSandboxAtStartup } from "@/lib/agent/sandbox/startup";
import { gitlabOAuthConfig } from "@/lib/gitlab/settings";
import { runLifecycles } from "@/lib/resolver/run-lifecycle";

/**
 * The worker's composition root: the one module that imports the handler map (./handlers) and wires
 * the worker's collaborators together. Nothing below it imports it; modules that only send jobs use
 * ./send.ts, so a handler that queues more work never closes a cycle through here.
 *
 * The worker lives on globalThis, like the queue and the database handle, because Next can evaluate
 * this module in more than one bundle of the same process.
 */
const workerKey = Symbol.for("gitlab-agent.worker");
type G = typeof globalThis & { [workerKey]?: Promise<RunningWorker> };

/** Start working jobs in this process (idempotent). */
export function startProcessWorker(): Promise<RunningWorker> {
  const g = globalThis as G;
  g[workerKey] ??= (async () => {
    const [queue, handle] = await Promise.all([getQueue(), getDb()]);
    const env = getEnv();
    const worker = await startWorker(queue, handle.db, handlers, {
      // webhook.process jobs are short GitLab round trips: a few at once keep a burst of triggers moving.
      concurrency: { "agent.run": env.AGENT_CONCURRENCY, "webhook.process": 4 },
    });
    // Conversations whose worker died mid-run are failed ("interrupted") by every worker's sweeper.
    const agent = agentSettings(env);
    const sweeper = startSweeper(handle.db, {
      staleAfterMs: agent.staleAfterMs,
      everyMs: Math.max(agent.heartbeatMs * 2, 2_000),
      enqueue: queueEnqueuer(queue, env.AGENT_TIMEOUT),
      lifecycles: runLifecycles,
      oauth: gitlabOAuthConfig,
    });
    // Checkouts of workers that were killed mid-run (the sweeper fails their conversations).
    void removeOrphanedWorkDirs()
      .then((removed) => removed && log.info("removed work directories of dead workers", { removed }))
      .catch((err: unknown) => log.warn("could not remove old work directories", { err }));
    // A new delivery wakes the worker at once (LISTEN/NOTIFY, or in-process on PGlite).
    const recover = (reason: "startup" | "reconnect") =>
      void enqueueRecovery(queue, reason).catch((err: unknown) => log.warn("could not queue the recovery of missed deliveries", { reason, err }));
    const stopWakeup = env.JOBS_WAKE_ON_DELIVERY ? await startDeliveryWakeup(handle, worker, () => recover("reconnect")) : async () => undefined;
    // Whatever GitLab could not deliver while no worker ran (lib/webhook-installations/recovery.ts).
    recover("startup");
    log.info("worker started", { pid: process.pid, db: handle.kind });
    reportSandboxAtStartup();
    return {
      activeJobs: () => worker.activeJobs(),
      wake: (name) => worker.wake(name),
      async stop() {
        await stopWakeup();
        await sweeper.stop();
        await worker.stop();
      },
    };
  })();
  return g[workerKey];
}

/** Stop the worker (finishing or releasing jobs in hand), the queue and the database, in that order. */
export async function shutdownProcess(): Promise<void> {
  const g = globalThis as G;
  const worker = await g[workerKey];
  await worker?.stop();
  const queue = await startedQueue();
  await queue?.stop({ graceful: false, timeout: 5_000 }).catch((err: unknown) => log.warn("queue stop failed", { err }));
  const handle = await getDb().catch(() => undefined);
  await handle?.close().catch(() => undefined);
}
