import { getDb } from "@/db";
import type { User } from "@/db/schema";
import { getUserById } from "@/lib/users/queries";
import { auth } from "./config";

/**
 * The signed-in user, loaded from the database (a session for a deleted user is no session).
 * Pages, actions and route handlers start here; every query after it is scoped to this user.
 */
export async function currentUser(): Promise<User | null> {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return null;
  const { db } = await getDb();
  return getUserById(db, id);
}
