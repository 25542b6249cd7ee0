import { getEnv } from "@/lib/env";
import { openDatabase, type DbHandle } from "./client";

export type { Database, DbHandle } from "./client";

/**
 * The process-wide database. Next may load this module in several bundles (instrumentation, route
 * handlers), and PGlite allows a single open instance per data directory, so the handle lives on
 * globalThis rather than in module scope.
 */
const globalKey = Symbol.for("gitlab-agent.db");
type GlobalWithDb = typeof globalThis & { [globalKey]?: Promise<DbHandle> };

export function getDb(): Promise<DbHandle> {
  const g = globalThis as GlobalWithDb;
  if (!g[globalKey]) {
    const env = getEnv();
    g[globalKey] = openDatabase(
      env.DATABASE_URL
        ? { url: env.DATABASE_URL, migrate: env.MIGRATE_ON_START }
        : { dataDir: `${env.DATA_DIR}/pglite`, migrate: true },
    ).catch((err: unknown) => {
      delete g[globalKey];
      throw err;
    });
  }
  return g[globalKey];
}
