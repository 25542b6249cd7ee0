import type { Database } from "@/db/client";
import { log } from "@/lib/log";
import { shapeRedactor } from "@/lib/redaction";
import { refusalBody } from "./comments";
import type { ResolverConfig } from "./config";
import { botIdentity, userIdentity, type IdentityOptions, type PostingIdentity } from "./identity";
import { markerKey } from "./markers";
import { refusalReason, type RefusalKind } from "./permissions";
import { postCommentOnce, type CommentTarget } from "./post-comment";
import { claimRefusalPost, releaseRefusalClaim } from "./queries";

/**
 * The one polite reply to someone who may not trigger the agent (product.md §4 ★: silence reads as
 * "broken"). Rate-limited per author and issue/MR: the `gitlab_comment_posts` row keyed by
 * (project, issue, author) can only be claimed again once its reply is older than the window, so
 * someone who keeps trying gets one explanation, not one per comment. A retry of the same delivery
 * resumes its own claim; the marker carries the delivery id, so it is posted at most once.
 */

export interface RefusalInput extends IdentityOptions {
  deliveryId: string;
  target: CommentTarget;
  author: { gitlabUserId: number; username: string };
  refusal: RefusalKind;
  /** app users whose connections may post the reply when there is no bot: the installer, then the author */
  fallbackUserIds: string[];
}

export type RefusalOutcome = "posted" | "rate_limited" | "no_identity";

async function claim(db: Database, key: string, input: RefusalInput, windowHours: number): Promise<boolean> {
  const mk = markerKey("refusal", input.deliveryId);
  // Re-claimable once the last reply is older than the window, or when a claim was abandoned (see claimRefusalPost).
  return claimRefusalPost(db, { key, markerKey: mk, projectId: input.target.projectId, noteableType: input.target.type, noteableIid: input.target.iid, deliveryId: input.deliveryId }, windowHours);
}

async function replyIdentity(db: Database, config: Pick<ResolverConfig, "botToken" | "oauth">, input: RefusalInput): Promise<PostingIdentity | null> {
  const bot = await botIdentity(config, input);
  if (bot) return bot;
  for (const userId of input.fallbackUserIds) {
    try {
      return await userIdentity(db, config, userId, null, input);
    } catch (err) {
      log.info("cannot reply with this account; trying the next", { userId, error: (err as Error).message });
    }
  }
  return null;
}

export async function replyWithRefusal(db: Database, config: ResolverConfig, input: RefusalInput): Promise<RefusalOutcome> {
  const key = markerKey("refusal", input.target.projectId, input.target.type, input.target.iid, input.author.gitlabUserId);
  if (!(await claim(db, key, input, config.refusalWindowHours))) return "rate_limited";
  const identity = await replyIdentity(db, config, input);
  if (!identity) {
    // Nobody can write on GitLab for us: release the claim so a later attempt (after someone signs
    // in, or a bot token is configured) may still explain.
    await releaseRefusalClaim(db, key, input.deliveryId);
    return "no_identity";
  }
  const body = shapeRedactor.text(refusalBody(input.author.username, refusalReason(input.refusal, config.appUrl)));
  await postCommentOnce(db, identity.api, { key, target: input.target, body, deliveryId: input.deliveryId }, { retryDelayMs: config.postRetryDelayMs });
  return "posted";
}
