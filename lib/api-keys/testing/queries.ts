import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";

/** Test-only: every row of api_keys as the driver returns it, every column included. */
export async function rawApiKeyRows(db: Database): Promise<unknown> {
  return db.execute(sql`select * from api_keys`);
}
