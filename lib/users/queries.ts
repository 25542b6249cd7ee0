import { eq, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { users, type User } from "@/db/schema";

/** The user row by id, or null (a session for a deleted user finds nothing). */
export async function getUserById(db: Database, id: string): Promise<User | null> {
  const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return row ?? null;
}

export interface GitLabProfile {
  id: number;
  username: string;
  name: string;
  email?: string | null;
  avatarUrl?: string | null;
}

/** Create or refresh the user row for a GitLab identity (instance + GitLab user id). */
export async function upsertGitLabUser(db: Database, baseUrl: string, profile: GitLabProfile): Promise<User> {
  const now = new Date();
  const [row] = await db
    .insert(users)
    .values({
      gitlabBaseUrl: baseUrl,
      gitlabUserId: profile.id,
      username: profile.username,
      name: profile.name,
      email: profile.email ?? null,
      avatarUrl: profile.avatarUrl ?? null,
      lastSignInAt: now,
    })
    .onConflictDoUpdate({
      target: [users.gitlabBaseUrl, users.gitlabUserId],
      set: {
        username: profile.username,
        name: profile.name,
        email: sql`excluded.email`,
        avatarUrl: sql`excluded.avatar_url`,
        lastSignInAt: now,
        updatedAt: now,
      },
    })
    .returning();
  if (!row) throw new Error("user upsert returned no row");
  return row;
}
