import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import * as schema from "./schema";
import { runMigrations } from "./migrate";

export type Schema = typeof schema;
/** The one database type every query function takes as its first argument. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

export type DbHandle =
  | { kind: "pglite"; db: Database; pglite: PGlite; close(): Promise<void> }
  | { kind: "postgres"; db: Database; sql: postgres.Sql; url: string; close(): Promise<void> };

export interface OpenOptions {
  /** postgres:// URL; when absent the embedded PGlite database is used */
  url?: string;
  /** PGlite data directory, or "memory" for an in-memory database (tests) */
  dataDir?: string;
  /** apply pending migrations before returning */
  migrate?: boolean;
  /** postgres.js pool size */
  max?: number;
}

/** Turn a driver's connection failure into one actionable line. */
export class DatabaseUnavailableError extends Error {
  override name = "DatabaseUnavailableError";
}

function describe(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.username ? `${u.username}@` : ""}${u.host}${u.pathname}`;
  } catch {
    return "DATABASE_URL";
  }
}

export async function openDatabase(options: OpenOptions): Promise<DbHandle> {
  if (options.url) {
    const url = options.url;
    const sql = postgres(url, {
      max: options.max ?? 10,
      onnotice: () => {},
      connect_timeout: 10,
      // pg-boss and drizzle both send timestamps; keep postgres.js from guessing types differently.
      types: {},
    });
    try {
      await sql`select 1`;
    } catch (err) {
      await sql.end({ timeout: 1 }).catch(() => {});
      const reason = err instanceof Error ? err.message : String(err);
      throw new DatabaseUnavailableError(`Cannot connect to the database at ${describe(url)}: ${reason}. Check DATABASE_URL and that Postgres is running.`);
    }
    const db = drizzlePostgres(sql, { schema }) as unknown as Database;
    const handle: DbHandle = { kind: "postgres", db, sql, url, close: () => sql.end({ timeout: 5 }) };
    if (options.migrate) await runMigrations(handle);
    return handle;
  }
  const dataDir = options.dataDir ?? ".data/pglite";
  let pglite: PGlite;
  if (dataDir === "memory") {
    pglite = await PGlite.create();
  } else {
    // PGlite does not create missing parent directories.
    fs.mkdirSync(path.resolve(/*turbopackIgnore: true*/ dataDir), { recursive: true });
    pglite = await PGlite.create({ dataDir: path.resolve(/*turbopackIgnore: true*/ dataDir) });
  }
  const db = drizzlePglite(pglite, { schema }) as unknown as Database;
  const handle: DbHandle = { kind: "pglite", db, pglite, close: () => pglite.close() };
  if (options.migrate ?? true) await runMigrations(handle);
  return handle;
}
