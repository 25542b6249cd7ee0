import { and, eq, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { gitlabConnections, users } from "@/db/schema";

/** The app users behind GitLab identities: who a comment's author is here, and who owns a run. */

const normalized = (url: string): string => url.trim().replace(/\/+$/, "").toLowerCase();

export interface LinkedUserRow {
  userId: string;
  gitlabUserId: number;
  username: string;
  connectionStatus: string | null;
}

/** The app user for a GitLab identity on this instance, or null. */
export async function findLinkedUser(db: Database, baseUrl: string, gitlabUserId: number): Promise<LinkedUserRow | null> {
  const [row] = await db
    .select({ userId: users.id, gitlabUserId: users.gitlabUserId, username: users.username, connectionStatus: gitlabConnections.status })
    .from(users)
    .leftJoin(gitlabConnections, eq(gitlabConnections.userId, users.id))
    .where(and(eq(users.gitlabUserId, gitlabUserId), sql`lower(rtrim(${users.gitlabBaseUrl}, '/')) = ${normalized(baseUrl)}`))
    .limit(1);
  return row ?? null;
}
