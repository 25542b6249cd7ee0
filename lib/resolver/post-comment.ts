import type { Database } from "@/db/client";
import type { NoteableType } from "@/db/schema";
import type { GitLabApi } from "@/lib/gitlab/client";
import { GitLabError } from "@/lib/gitlab/errors";
import { createNote, listRecentNotes, replyToDiscussion, type Noteable } from "@/lib/gitlab/notes";
import { log } from "@/lib/log";
import { shapeRedactor, type RedactedText } from "@/lib/redaction";
import { hasMarker, withMarker } from "./markers";
import { countCommentAttempt, ensureCommentPost, getCommentPost, markCommentPosted } from "./queries";

/**
 * Posts a comment AT MOST ONCE per key, however often the job that posts it is retried.
 *
 * A key never attempted before is posted straight away (no extra GitLab call on the happy path).
 * Before any further attempt, the recent comments are searched for the key's hidden marker, because
 * a failed POST may still have been applied (a 5xx from a proxy, a timeout, a worker killed between
 * GitLab's 201 and our bookkeeping). 5xx and timeouts are retried here with a short backoff; 429 is
 * waited out by withGitLab (Retry-After). Anything else is thrown for the job to retry later.
 */

export interface CommentTarget extends Noteable {
  /** reply in this thread; falls back to a top-level comment when GitLab refuses the reply */
  discussionId?: string | null;
}

export interface PostCommentInput {
  key: string;
  /** the marker written in the body (defaults to `key`) */
  markerKey?: string;
  target: CommentTarget;
  body: RedactedText;
  conversationId?: string | null;
  deliveryId?: string | null;
}

export interface PostedComment {
  noteId: number | null;
  /** true when an earlier attempt had already posted it */
  reused: boolean;
}

const MAX_ATTEMPTS = 4;

export const noteableTypeOf = (t: Noteable): NoteableType => t.type;

/** Transient failures after which we cannot know whether GitLab applied the POST. */
function isAmbiguous(err: unknown): boolean {
  return err instanceof GitLabError && (err.kind === "server_error" || err.kind === "unreachable");
}

/** GitLab refused the reply itself (thread gone, locked, not a thread): a top-level note still works. */
function replyRefused(err: unknown): boolean {
  return err instanceof GitLabError && (err.kind === "bad_request" || err.kind === "not_found" || err.kind === "forbidden");
}

async function findMarked(api: GitLabApi, target: Noteable, markerKey: string): Promise<number | null> {
  // Our comment is recent: two pages of the newest 100 are plenty, even on a busy issue.
  for (const page of [1, 2]) {
    const notes = await listRecentNotes(api, target, { perPage: 100, page });
    const found = notes.find((n) => hasMarker(n.body, markerKey));
    if (found) return found.id;
    if (notes.length < 100) break;
  }
  return null;
}

async function send(api: GitLabApi, target: CommentTarget, body: RedactedText): Promise<number> {
  if (target.discussionId) {
    try {
      return (await replyToDiscussion(api, target, target.discussionId, body)).id;
    } catch (err) {
      if (!replyRefused(err)) throw err;
      log.info("reply refused by GitLab; posting a top-level comment instead", { projectId: target.projectId, iid: target.iid, error: (err as Error).message });
    }
  }
  return (await createNote(api, target, body)).id;
}

export async function postCommentOnce(db: Database, api: GitLabApi, input: PostCommentInput, opts: { retryDelayMs?: number } = {}): Promise<PostedComment> {
  const markerKey = input.markerKey ?? input.key;
  await ensureCommentPost(db, {
    key: input.key,
    markerKey,
    projectId: input.target.projectId,
    noteableType: noteableTypeOf(input.target),
    noteableIid: input.target.iid,
    conversationId: input.conversationId ?? null,
    deliveryId: input.deliveryId ?? null,
  });
  const row = await getCommentPost(db, input.key);
  if (!row) throw new Error(`comment post ${input.key} vanished`);
  if (row.state === "posted") return { noteId: row.noteId, reused: true };

  // The marker is the app's own text ([\w./:-] only); the shape scan of the whole keeps the type honest.
  const body = shapeRedactor.text(withMarker(input.body, row.markerKey));
  const delay = opts.retryDelayMs ?? 1_000;
  let mustCheck = row.attempts > 0;
  for (let attempt = 0; ; attempt++) {
    if (mustCheck) {
      const existing = await findMarked(api, input.target, row.markerKey);
      if (existing !== null) {
        await markCommentPosted(db, input.key, existing);
        return { noteId: existing, reused: true };
      }
    }
    await countCommentAttempt(db, input.key);
    try {
      const noteId = await send(api, input.target, body);
      await markCommentPosted(db, input.key, noteId);
      return { noteId, reused: false };
    } catch (err) {
      if (!isAmbiguous(err) || attempt + 1 >= MAX_ATTEMPTS) throw err;
      log.warn("posting a comment failed; checking whether it landed before retrying", { comment: input.key, attempt, error: (err as Error).message });
      await new Promise((r) => setTimeout(r, delay * 2 ** attempt));
      mustCheck = true;
    }
  }
}
