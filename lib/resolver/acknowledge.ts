import type { Database } from "@/db/client";
import type { Conversation } from "@/db/schema";
import { GitLabError } from "@/lib/gitlab/errors";
import { awardEmojiOnNote } from "@/lib/gitlab/notes";
import { log } from "@/lib/log";
import { shapeRedactor } from "@/lib/redaction";
import { ackBody } from "./comments";
import { conversationUrl, type ResolverConfig } from "./config";
import { postingIdentity } from "./identity";
import { markerKey } from "./markers";
import { postCommentOnce, type CommentTarget } from "./post-comment";

/** Where a conversation's comments go: the triggering comment's thread, or the issue/MR itself. */
export function commentTargetOf(conversation: Conversation): CommentTarget {
  if (conversation.trigger === "merge_request" && conversation.mergeRequestIid !== null) {
    return { type: "merge_request", projectId: conversation.projectId, iid: conversation.mergeRequestIid, discussionId: conversation.discussionId };
  }
  if (conversation.trigger === "issue" && conversation.issueIid !== null) {
    return { type: "issue", projectId: conversation.projectId, iid: conversation.issueIid, discussionId: conversation.discussionId };
  }
  throw new Error(`conversation ${conversation.id} was not triggered from GitLab`);
}

export interface AcknowledgeOptions {
  baseUrl: string;
  eventUuid: string | null;
  /** the job's last attempt: start the run even if GitLab would not take the acknowledgment */
  lastAttempt: boolean;
}

async function awardEyes(api: Parameters<typeof awardEmojiOnNote>[0], target: CommentTarget, noteId: number): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await awardEmojiOnNote(api, target, noteId, "eyes");
      return;
    } catch (err) {
      const transient = err instanceof GitLabError && (err.kind === "server_error" || err.kind === "unreachable");
      if (!transient || attempt === 1) {
        // A missing reaction is cosmetic; the comment below is what tells people we are on it.
        log.warn("could not add the 👀 reaction", { projectId: target.projectId, noteId, error: (err as Error).message });
        return;
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

/**
 * At once, before the run: a 👀 on the triggering comment and a comment with the conversation link,
 * in the comment's thread. Then the run is enqueued. Safe to repeat: the reaction is idempotent on
 * GitLab, the comment is posted at most once (post-comment.ts) and a duplicate run job finds the
 * conversation already claimed. The comment comes first so that it always precedes the final one.
 */
export async function acknowledgeAndRun(db: Database, config: ResolverConfig, conversation: Conversation, opts: AcknowledgeOptions): Promise<void> {
  const target = commentTargetOf(conversation);
  try {
    const identity = await postingIdentity(db, config, { userId: conversation.userId, gitlabUserId: null }, { baseUrl: opts.baseUrl, eventUuid: opts.eventUuid });
    if (conversation.noteId !== null) await awardEyes(identity.api, target, conversation.noteId);
    await postCommentOnce(
      db,
      identity.api,
      {
        key: markerKey("ack", conversation.id),
        target,
        body: shapeRedactor.text(ackBody({ noteable: target.type, conversationUrl: conversationUrl(config, conversation.id), workBranch: conversation.workBranch })),
        conversationId: conversation.id,
      },
      { retryDelayMs: config.postRetryDelayMs },
    );
  } catch (err) {
    if (!opts.lastAttempt) throw err;
    log.error("could not acknowledge on GitLab; starting the run anyway", { conversationId: conversation.id, err });
  }
  if (conversation.status === "queued") await config.enqueueRun(conversation.id);
}
