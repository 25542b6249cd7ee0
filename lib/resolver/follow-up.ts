import type { Database } from "@/db/client";
import type { Conversation } from "@/db/schema";
import { appendEventLocked } from "@/lib/conversations/events";
import { lockConversationRow } from "@/lib/conversations/queries";
import { applyTransition, isTerminal } from "@/lib/conversations/status";
import { awardEmojiOnNote } from "@/lib/gitlab/notes";
import { log } from "@/lib/log";
import { shapeRedactor } from "@/lib/redaction";
import { commentTargetOf } from "./acknowledge";
import { followUpBody } from "./comments";
import { conversationUrl, type ResolverConfig } from "./config";
import { postingIdentity } from "./identity";
import { markerKey } from "./markers";
import { postCommentOnce } from "./post-comment";
import { claimCommentPost, recordOutcome } from "./queries";
import type { IssueNoteTrigger, MergeRequestNoteTrigger } from "./trigger-types";

/**
 * Another `@openhands` on an issue or MR whose conversation is still working becomes a message in
 * that conversation (product.md §4 ★) instead of a parallel run on the same branch. The message is
 * appended under the conversation's row lock, the rule every writer of a conversation follows: the
 * run's end (finalizeRun) checks for newer messages under the same lock and starts another turn, so
 * the comment is either in the current prompt or in the next run, never lost. If the run ended in
 * the meantime, the conversation is queued again here and a run enqueued.
 *
 * Dedup: the follow-up's comment-post row (keyed by the note) is inserted in the same transaction,
 * so the same note delivered by two hooks, or a retried job, appends the message once.
 */
export interface FollowUpInput {
  deliveryId: string;
  conversation: Conversation;
  trigger: IssueNoteTrigger | MergeRequestNoteTrigger;
  baseUrl: string;
  eventUuid: string | null;
}

const followUpKey = (trigger: FollowUpInput["trigger"]): string => markerKey("followup", trigger.projectId, trigger.noteId);

/** Appends the comment to the conversation and records the delivery, in one transaction. */
export async function appendFollowUp(db: Database, config: ResolverConfig, input: FollowUpInput): Promise<void> {
  const { conversation, trigger } = input;
  const key = followUpKey(trigger);
  const text = `@${trigger.author.username} wrote:\n\n${trigger.request || "(an empty mention)"}`;
  const target = commentTargetOf(conversation);
  const requeued = await db.transaction(async (tx) => {
    const claimed = await claimCommentPost(tx, { key, markerKey: key, projectId: target.projectId, noteableType: target.type, noteableIid: target.iid, conversationId: conversation.id, deliveryId: input.deliveryId });
    let requeue = false;
    if (claimed) {
      const row = await lockConversationRow(tx, conversation.id);
      if (!row) throw new Error(`conversation ${conversation.id} vanished`);
      await appendEventLocked(tx, row.id, { kind: "user_message", text });
      if (isTerminal(row.status)) requeue = (await applyTransition(tx, row, "queued", { reason: "a follow-up comment arrived on GitLab" })) !== null;
    }
    await recordOutcome(tx, input.deliveryId, "triggered", "follow-up added to the running conversation", conversation.id);
    return requeue;
  });
  if (requeued) await config.enqueueRun(conversation.id);
}

/**
 * 👀 on the comment and a short reply in its thread: no new conversation link appears for a
 * follow-up, so the author needs to hear that it was taken. Idempotent (post-comment.ts).
 */
export async function acknowledgeFollowUp(db: Database, config: ResolverConfig, input: FollowUpInput): Promise<void> {
  const { conversation, trigger } = input;
  const identity = await postingIdentity(db, config, { userId: conversation.userId, gitlabUserId: null }, { baseUrl: input.baseUrl, eventUuid: input.eventUuid });
  const target = { ...commentTargetOf(conversation), discussionId: trigger.discussionId };
  try {
    await awardEmojiOnNote(identity.api, target, trigger.noteId, "eyes");
  } catch (err) {
    log.warn("could not add the 👀 reaction", { noteId: trigger.noteId, error: (err as Error).message });
  }
  await postCommentOnce(
    db,
    identity.api,
    { key: followUpKey(trigger), target, body: shapeRedactor.text(followUpBody(conversationUrl(config, conversation.id))), conversationId: conversation.id },
    { retryDelayMs: config.postRetryDelayMs },
  );
}
