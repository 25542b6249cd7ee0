import { and, eq, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { gitlabCommentPosts, type GitlabCommentPost } from "@/db/schema";
import type { DbOrTx } from "@/lib/conversations/queries";

/**
 * `gitlab_comment_posts`: one row per comment the app may post, keyed so that a retried job posts
 * it at most once (post-comment.ts), plus the claims that rate-limit refusals (refusal.ts) and
 * deduplicate follow-ups (follow-up.ts). Keyed by GitLab thread, not by app user.
 */

export type NewCommentPost = typeof gitlabCommentPosts.$inferInsert;

/** The row for this key, created pending unless it exists. */
export async function ensureCommentPost(db: Database, values: NewCommentPost): Promise<void> {
  await db.insert(gitlabCommentPosts).values(values).onConflictDoNothing({ target: gitlabCommentPosts.key });
}

export async function getCommentPost(db: Database, key: string): Promise<GitlabCommentPost | null> {
  const [row] = await db.select().from(gitlabCommentPosts).where(eq(gitlabCommentPosts.key, key)).limit(1);
  return row ?? null;
}

/** Counted before each POST, so the next attempt knows to look for the marker first. */
export async function countCommentAttempt(db: Database, key: string): Promise<void> {
  await db
    .update(gitlabCommentPosts)
    .set({ attempts: sql`${gitlabCommentPosts.attempts} + 1`, updatedAt: sql`now()` })
    .where(eq(gitlabCommentPosts.key, key));
}

export async function markCommentPosted(db: Database, key: string, noteId: number | null): Promise<void> {
  await db
    .update(gitlabCommentPosts)
    .set({ state: "posted", noteId, postedAt: sql`now()`, updatedAt: sql`now()` })
    .where(eq(gitlabCommentPosts.key, key));
}

/** Insert the follow-up's row unless the same note was handled already: true when this call claimed it. */
export async function claimCommentPost(tx: DbOrTx, values: NewCommentPost): Promise<boolean> {
  const claimed = await tx.insert(gitlabCommentPosts).values(values).onConflictDoNothing({ target: gitlabCommentPosts.key }).returning({ id: gitlabCommentPosts.id });
  return claimed.length > 0;
}

/**
 * Claim the refusal reply keyed by (project, issue/MR, author) for this delivery. True when claimed
 * now, or already this delivery's (a retry resumes its own claim).
 */
export async function claimRefusalPost(db: Database, values: NewCommentPost & { markerKey: string; deliveryId: string }, windowHours: number): Promise<boolean> {
  const claimed = await db
    .insert(gitlabCommentPosts)
    .values(values)
    .onConflictDoUpdate({
      target: gitlabCommentPosts.key,
      set: { markerKey: values.markerKey, deliveryId: values.deliveryId, state: "pending", attempts: 0, noteId: null, postedAt: null, updatedAt: sql`now()` },
      // Re-claimable once the last reply is older than the window, or when a claim was abandoned
      // (pending for an hour: its delivery gave up without posting).
      setWhere: sql`(${gitlabCommentPosts.state} = 'posted' and ${gitlabCommentPosts.postedAt} < now() - make_interval(hours => ${windowHours}::int))
        or (${gitlabCommentPosts.state} = 'pending' and ${gitlabCommentPosts.updatedAt} < now() - interval '1 hour' and ${gitlabCommentPosts.deliveryId} is distinct from ${values.deliveryId}::uuid)`,
    })
    .returning({ id: gitlabCommentPosts.id });
  if (claimed.length > 0) return true;
  const [mine] = await db
    .select({ id: gitlabCommentPosts.id })
    .from(gitlabCommentPosts)
    .where(and(eq(gitlabCommentPosts.key, values.key), eq(gitlabCommentPosts.deliveryId, values.deliveryId)))
    .limit(1);
  return mine !== undefined;
}

/** Give back this delivery's refusal claim while it is still pending (nobody could post it). */
export async function releaseRefusalClaim(db: Database, key: string, deliveryId: string): Promise<void> {
  await db.delete(gitlabCommentPosts).where(and(eq(gitlabCommentPosts.key, key), eq(gitlabCommentPosts.deliveryId, deliveryId), eq(gitlabCommentPosts.state, "pending")));
}
