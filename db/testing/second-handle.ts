import { drizzle } from "drizzle-orm/pglite";
import { openDatabase, type Database, type DbHandle } from "../client";
import * as schema from "../schema";

/**
 * Test helper: a second, independent handle on the database `handle` opened, i.e. another process
 * as far as locking goes. On Postgres it is a new pool. PGlite is one in-process database: a second
 * drizzle instance over it is a separate caller as far as in-process coalescing goes, so the
 * row-lock path still runs for both.
 */
export async function openSecondHandle(handle: DbHandle): Promise<{ db: Database; close(): Promise<void> }> {
  if (handle.kind === "postgres") {
    const other = await openDatabase({ url: handle.url, max: 5 });
    return { db: other.db, close: () => other.close() };
  }
  return { db: drizzle(handle.pglite, { schema }) as unknown as Database, close: async () => {} };
}
