import path from "node:path";
import postgres from "postgres";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import type { PGlite } from "@electric-sql/pglite";

/** Resolved at run time: Next bundles this module, so a path relative to the source file would break. */
export const migrationsFolder = path.resolve(/*turbopackIgnore: true*/ process.cwd(), "db/migrations");

// Any constant works; it only has to be the same in every process that migrates.
const MIGRATION_LOCK = 7_245_118_001;

type Migratable = { kind: "pglite"; pglite: PGlite } | { kind: "postgres"; url: string };

/**
 * Apply pending migrations. On Postgres several processes may start at once, so the migration runs
 * on one dedicated connection holding an advisory lock.
 */
export async function runMigrations(target: Migratable): Promise<void> {
  if (target.kind === "pglite") {
    await migratePglite(drizzlePglite(target.pglite), { migrationsFolder });
    return;
  }
  const sql = postgres(target.url, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migratePostgres(drizzlePostgres(sql), { migrationsFolder });
    await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
