import { eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { users, type User } from "@/db/schema";

/** Test-only reads and writes of the users table. */

export async function listUsers(db: Database): Promise<User[]> {
  return db.select().from(users);
}

export async function findUserByUsername(db: Database, username: string): Promise<User | null> {
  const [row] = await db.select().from(users).where(eq(users.username, username));
  return row ?? null;
}

/** A user row as a first sign-in creates it (without the connection). */
export async function insertUser(db: Database, values: { gitlabBaseUrl: string; gitlabUserId: number; username: string; name: string }): Promise<{ id: string }> {
  const [user] = await db.insert(users).values(values).returning({ id: users.id });
  if (!user) throw new Error("user insert returned no row");
  return user;
}
