import { getEnv } from "@/lib/env";
import { getDb } from "@/db";
import { log } from "@/lib/log";
import { reportSandboxAtStartup } from "@/lib/agent/sandbox/startup";
import { startupFailure } from "@/lib/startup";
import { shutdownProcess, startProcessWorker } from "@/lib/jobs/worker-root";

/**
 * Called once from instrumentation.ts when the web server starts. Fails fast with one line on bad
 * configuration. With the embedded database the worker runs here, because PGlite has one writer.
 */
export async function bootWebProcess(): Promise<void> {
  try {
    const env = getEnv();
    reportSandboxAtStartup();
    const handle = await getDb();
    const inProcess = env.WORKER_IN_PROCESS === "on" || (env.WORKER_IN_PROCESS === "auto" && env.localMode);
    if (inProcess) await startProcessWorker();
    log.info("web process ready", { db: handle.kind, worker: inProcess ? "in-process" : "external", demo: env.demoMode });
    const stop = () => {
      shutdownProcess().finally(() => process.exit(0));
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  } catch (err) {
    startupFailure(err);
  }
}
