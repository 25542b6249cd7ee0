import type { Database } from "@/db/client";
import type { Conversation, WebhookDelivery } from "@/db/schema";
import { eventKindForHeader, parseWebhookEvent } from "@/lib/gitlab/webhook-events";
import { log } from "@/lib/log";
import { acknowledgeAndRun } from "./acknowledge";
import type { ResolverConfig } from "./config";
import { acknowledgeFollowUp, appendFollowUp } from "./follow-up";
import { botIdentity } from "./identity";
import { checkTriggerPermission } from "./permissions";
import { findActiveConversation, findConversationIdByTriggerKey, getConversationById, getDelivery, recordOutcome } from "./queries";
import { getInstallationById } from "@/lib/webhook-installations/queries";
import { replyWithRefusal } from "./refusal";
import { startTriggeredConversation } from "./start-conversation";
import { processAutoReview } from "./review/auto";
import { decide, type AutoReviewCandidate, type Trigger } from "./triggers";
import { confirmTrigger, scopeRefusal } from "./verify-delivery";

/**
 * The `webhook.process` job: one recorded delivery → one outcome on its row (triggered with the
 * conversation, ignored with the reason, or refused with the reason), plus whatever that implies on
 * GitLab. Safe to run again at any point: a delivery already `triggered` resumes its acknowledgment
 * and run start (both idempotent), any other recorded outcome is final.
 */

export interface ProcessOptions {
  /** true on the job's last attempt: failures are recorded rather than retried */
  lastAttempt: boolean;
}

export type ProcessResult = { outcome: WebhookDelivery["outcome"]; reason: string | null; conversationId: string | null };

const result = (d: Pick<WebhookDelivery, "outcome" | "reason" | "conversationId">): ProcessResult => ({ outcome: d.outcome, reason: d.reason, conversationId: d.conversationId });

/** Re-derives the trigger from the stored payload (the same decision the receiver made). */
function triggerOf(delivery: WebhookDelivery): { trigger: Trigger } | { ignore: string } | { review: AutoReviewCandidate } {
  const kind = eventKindForHeader(delivery.event);
  if (!kind) return { ignore: `unhandled event type: ${delivery.event}` };
  const parsed = parseWebhookEvent(kind, delivery.payload);
  if (!parsed.ok) return { ignore: `stored payload does not match ${delivery.event}: ${parsed.reason}` };
  const decision = decide(parsed.event, { eventUuid: delivery.eventUuid });
  if (decision.action === "review") return { review: decision.candidate };
  return decision.action === "ignore" ? { ignore: decision.reason } : { trigger: decision.trigger };
}

function noteTargetOf(trigger: Trigger) {
  if (trigger.kind === "mr_note") return { type: "merge_request" as const, projectId: trigger.projectId, iid: trigger.mergeRequestIid, discussionId: trigger.discussionId };
  return { type: "issue" as const, projectId: trigger.projectId, iid: trigger.issueIid, discussionId: trigger.kind === "issue_note" ? trigger.discussionId : null };
}

export async function processDelivery(db: Database, config: ResolverConfig, deliveryId: string, opts: ProcessOptions): Promise<ProcessResult> {
  const delivery = await getDelivery(db, deliveryId);
  if (!delivery) return { outcome: "failed", reason: "delivery not found", conversationId: null };
  if (delivery.outcome !== "pending" && delivery.outcome !== "triggered") return result(delivery);

  const derived = triggerOf(delivery);
  if ("ignore" in derived) {
    await recordOutcome(db, delivery.id, "ignored", derived.ignore);
    return { outcome: "ignored", reason: derived.ignore, conversationId: null };
  }
  const installation = delivery.installationId ? await getInstallationById(db, delivery.installationId) : null;
  if (!installation) {
    await recordOutcome(db, delivery.id, "ignored", "the webhook installation was removed");
    return { outcome: "ignored", reason: "the webhook installation was removed", conversationId: null };
  }
  const ctx = { baseUrl: installation.baseUrl, eventUuid: delivery.eventUuid };
  // Issue 18: a merge request opened or marked ready, reviewed only where an owner opted in.
  if ("review" in derived) return processAutoReview(db, config, delivery, installation, derived.review, ctx);

  // The body is only as trusted as its installation's secret: a project outside the installation's
  // project or group is refused before any GitLab call is made for anyone.
  const outside = scopeRefusal(installation, derived.trigger);
  if (outside) return refuse(db, delivery.id, outside);

  if (delivery.outcome === "triggered" && delivery.conversationId) return resume(db, config, delivery, derived.trigger, ctx, opts);

  // What GitLab has, not what the body says: author, text and label are read back before acting.
  // The permission check starts at once with the author the body names, beside the read-back that
  // confirms it (one round trip less before the acknowledgment). Its result is used only when the
  // confirmed author is that same GitLab user and name; otherwise it is discarded and the check runs
  // again for the confirmed author. It only reads (the author's membership, with the same token the
  // read-back may use), so a forged body gains nothing from it.
  const claimed = derived.trigger;
  const early = checkTriggerPermission(db, config, { ...ctx, projectId: claimed.projectId, author: claimed.author });
  early.catch(() => undefined);
  const confirmed = await confirmTrigger(db, config, installation, derived.trigger, ctx);
  if (!confirmed.ok) return refuse(db, delivery.id, confirmed.reason);
  const { trigger } = confirmed;

  // Loop guard, part two (part one, the marker, is in the decision): with a bot account, anything
  // it authored is ours.
  const bot = await botIdentity(config, ctx);
  if (bot && bot.gitlabUserId === trigger.author.gitlabUserId) {
    const reason = "written by the app's own GitLab account";
    await recordOutcome(db, delivery.id, "ignored", reason);
    return { outcome: "ignored", reason, conversationId: null };
  }

  const sameAuthor = trigger.projectId === claimed.projectId && trigger.author.gitlabUserId === claimed.author.gitlabUserId && trigger.author.username === claimed.author.username;
  const permission = sameAuthor ? await early : await checkTriggerPermission(db, config, { ...ctx, projectId: trigger.projectId, author: trigger.author });
  if (!permission.allowed) {
    const fallbackUserIds = [installation.installedBy, permission.user?.userId].filter((id): id is string => typeof id === "string");
    const replied = await replyWithRefusal(db, config, {
      ...ctx,
      deliveryId: delivery.id,
      target: noteTargetOf(trigger),
      author: trigger.author,
      refusal: permission.refusal,
      fallbackUserIds,
    });
    const note = replied === "posted" ? "" : replied === "rate_limited" ? " (already told recently; no new reply)" : " (no account could reply on GitLab)";
    await recordOutcome(db, delivery.id, "refused", `${permission.reason}${note}`);
    return { outcome: "refused", reason: permission.reason, conversationId: null };
  }

  // The same trigger delivered again (a project hook and a group hook): one conversation.
  const same = await findConversationIdByTriggerKey(db, trigger.triggerKey);
  if (same) {
    const reason = `duplicate: already handled by conversation ${same.id}`;
    log.info("duplicate trigger", { deliveryId: delivery.id, conversationId: same.id, key: trigger.triggerKey });
    await recordOutcome(db, delivery.id, "ignored", reason, same.id);
    return { outcome: "ignored", reason, conversationId: same.id };
  }

  // One owner per run (issue 13): a comment joins only a conversation its own author owns. Another
  // user's `@openhands` on a running conversation starts that user's own conversation (own
  // acknowledgement, own token and secrets): joining would run their request with the first
  // user's credentials. A label re-added during any run is still ignored (nothing new to say).
  const active = trigger.kind === "issue_label" ? await findActiveConversation(db, trigger) : await findActiveConversation(db, trigger, permission.user.userId);
  // The same trigger delivered twice at once (project and group hook, a resend, the catch-up sweep):
  // the other delivery's conversation was committed between the two reads above. It is this
  // trigger's own run, not one to add a follow-up to.
  if (active && active.triggerKey === trigger.triggerKey) {
    const reason = `duplicate: already handled by conversation ${active.id}`;
    log.info("duplicate trigger", { deliveryId: delivery.id, conversationId: active.id, key: trigger.triggerKey });
    await recordOutcome(db, delivery.id, "ignored", reason, active.id);
    return { outcome: "ignored", reason, conversationId: active.id };
  }
  if (active) {
    if (trigger.kind === "issue_label") {
      const reason = `a run is already in progress for this issue (conversation ${active.id})`;
      await recordOutcome(db, delivery.id, "ignored", reason, active.id);
      return { outcome: "ignored", reason, conversationId: active.id };
    }
    const input = { deliveryId: delivery.id, conversation: active, trigger, ...ctx };
    await appendFollowUp(db, config, input);
    await acknowledgeFollowUp(db, config, input);
    return { outcome: "triggered", reason: "follow-up added to the running conversation", conversationId: active.id };
  }

  const started = await startTriggeredConversation(db, { deliveryId: delivery.id, trigger, ownerUserId: permission.user.userId });
  if (!started.created) {
    log.info("duplicate trigger", { deliveryId: delivery.id, conversationId: started.conversation.id, key: trigger.triggerKey });
    return { outcome: "ignored", reason: "duplicate", conversationId: started.conversation.id };
  }
  await acknowledgeAndRun(db, config, started.conversation, { ...ctx, lastAttempt: opts.lastAttempt });
  return { outcome: "triggered", reason: null, conversationId: started.conversation.id };
}

async function refuse(db: Database, deliveryId: string, reason: string): Promise<ProcessResult> {
  log.warn("webhook delivery refused", { deliveryId, reason });
  await recordOutcome(db, deliveryId, "refused", reason);
  return { outcome: "refused", reason, conversationId: null };
}

/** A retried job whose delivery already has its conversation: finish what the last attempt began. */
async function resume(
  db: Database,
  config: ResolverConfig,
  delivery: WebhookDelivery,
  trigger: Trigger,
  ctx: { baseUrl: string; eventUuid: string | null },
  opts: ProcessOptions,
): Promise<ProcessResult> {
  const conversation = await getConversationById(db, delivery.conversationId ?? "");
  if (!conversation) return result(delivery);
  // A label trigger's key is replaced by its label event's once confirmed, and a label delivery is
  // `triggered` only for the conversation it started, so that conversation is always its own.
  if (conversation.triggerKey === trigger.triggerKey || trigger.kind === "issue_label") {
    await acknowledgeAndRun(db, config, conversation, { ...ctx, lastAttempt: opts.lastAttempt });
  } else {
    await acknowledgeFollowUp(db, config, { deliveryId: delivery.id, conversation: conversation satisfies Conversation, trigger, ...ctx });
  }
  return result(delivery);
}

/** The job's last attempt failed: say so on the delivery row, where "why didn't it respond?" is answered. */
export async function recordProcessingFailure(db: Database, deliveryId: string, err: unknown): Promise<void> {
  const delivery = await getDelivery(db, deliveryId);
  if (!delivery || delivery.outcome !== "pending") return;
  const message = err instanceof Error ? err.message : String(err);
  await recordOutcome(db, deliveryId, "failed", `processing failed: ${message}`);
}
