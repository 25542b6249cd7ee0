// `npm run worker`: a standalone worker process for Postgres deployments. Run as many as you like.
import { getEnv, EnvError } from "@/lib/env";
import { getDb } from "@/db";
import { startupFailure } from "@/lib/startup";
import { log } from "@/lib/log";
import { shutdownProcess, startProcessWorker } from "./worker-root";

async function main() {
  const env = getEnv();
  if (env.localMode) {
    throw new EnvError(
      "npm run worker needs DATABASE_URL: with the embedded database (PGlite) the worker already runs inside the web process",
    );
  }
  await getDb();
  await startProcessWorker();
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("worker stopping", { signal, pid: process.pid });
    shutdownProcess()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        log.error("worker shutdown failed", { err });
        process.exit(1);
      });
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch(startupFailure);
