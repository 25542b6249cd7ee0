import { eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { gitlabConnections } from "@/db/schema";

/** Test-only writes of gitlab_connections. */

/** A connection row written directly, token columns as given (tests that never decrypt them). */
export async function insertConnection(db: Database, values: typeof gitlabConnections.$inferInsert): Promise<void> {
  await db.insert(gitlabConnections).values(values);
}

/** Moves the stored expiry of the user's access token, e.g. into the past to force a refresh. */
export async function setConnectionExpiry(db: Database, userId: string, expiresAt: Date): Promise<void> {
  await db.update(gitlabConnections).set({ expiresAt }).where(eq(gitlabConnections.userId, userId));
}
