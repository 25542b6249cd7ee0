import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";

/**
 * Test-only: every column of every `api_keys` row, as the driver returns it: raw SQL rather than the
 * schema's columns, so a column added later is searched too when a test proves no key is stored in clear.
 */
export async function rawApiKeyRows(db: Database): Promise<unknown> {
  return db.execute(sql`select * from api_keys`);
}
