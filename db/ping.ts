import { sql } from "drizzle-orm";
import type { Database } from "./client";

/** The cheapest round trip that proves the database answers (the health check). */
export async function pingDatabase(db: Database): Promise<void> {
  await db.execute(sql`select 1`);
}
