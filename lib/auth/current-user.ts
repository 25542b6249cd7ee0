import { cache } from "react";
import { getDb } from "@/db";
import type { User } from "@/db/schema";
import { getUserById } from "@/lib/users/queries";
import { auth } from "./config";

/**
 * The signed-in user, loaded from the database (a session for a deleted user is no session).
 * Pages, actions and route handlers start here; every query after it is scoped to this user.
 * React's `cache` makes it once per server render: the layout, the page and its components all
 * ask, and the session and user row are read once. The memo lives in that render's own cache, so
 * no request sees another's user; outside React's server rendering (route handlers, tests, the
 * worker) `cache` memoises nothing and every call reads afresh.
 */
export const currentUser = cache(async (): Promise<User | null> => {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return null;
  const { db } = await getDb();
  return getUserById(db, id);
});
