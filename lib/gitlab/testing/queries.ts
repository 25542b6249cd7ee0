import { eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { gitlabConnections } from "@/db/schema";

/** Test-only writes of gitlab_connections. */

/** Moves the stored expiry of the user's access token, e.g. into the past to force a refresh. */
export async function setConnectionExpiry(db: Database, userId: string, expiresAt: Date): Promise<void> {
  await db.update(gitlabConnections).set({ expiresAt }).where(eq(gitlabConnections.userId, userId));
}
