import { eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { users, type User } from "@/db/schema";

export async function getUserById(db: Database, id: string): Promise<User | null> {
  const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return row ?? null;
}
