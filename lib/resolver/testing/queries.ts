import type { Database } from "@/db/client";
import { gitlabCommentPosts } from "@/db/schema";

/**
 * Test-only writes for the resolver's flows. Rows of other areas come from their own test helpers:
 * deliveries from lib/webhook-receiver/testing, users from lib/users/testing.
 */

/** Stage a comment-post row, e.g. one a crashed worker left pending after an attempt. */
export async function insertCommentPost(db: Database, values: typeof gitlabCommentPosts.$inferInsert): Promise<void> {
  await db.insert(gitlabCommentPosts).values(values);
}
