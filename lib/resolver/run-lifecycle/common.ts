import type { Database } from "@/db/client";
import type { Conversation } from "@/db/schema";
import { appendEvent } from "@/lib/conversations/events";
import type { RunContext } from "@/lib/conversations/run-lifecycle";
import { getAccessToken } from "@/lib/gitlab/tokens";
import { gitlabApiWithHeaders } from "@/lib/gitlab/traced-client";
import { log } from "@/lib/log";
import type { RedactedText } from "@/lib/redaction";
import { commentTargetOf } from "../acknowledge";
import { conversationUrl, resolverConfig, type ResolverConfig } from "../config";
import { botIdentity, userIdentity, type PostingIdentity } from "../identity";
import { markerKey } from "../markers";
import { postCommentOnce } from "../post-comment";
import { findInstallerOf } from "../queries";
import { markTrigger, type Verdict } from "./trigger-reaction";

/** What every lifecycle step needs: the configuration and a way to write on GitLab. */
export interface LifecycleEnv {
  config: ResolverConfig;
  url: string;
}

export async function lifecycleEnv(conversation: Conversation): Promise<LifecycleEnv> {
  const config = await resolverConfig();
  return { config, url: conversationUrl(config, conversation.id) };
}

/**
 * Who writes: the bot; else the owner, with the run's token when we have it (the run already
 * refreshed it) or a fresh one; else, when the owner's connection is gone (revoked mid-run), the
 * account that installed the webhook, so that even that run ends with a comment saying why.
 */
export async function lifecycleIdentity(ctx: { db: Database; conversation: Conversation; baseUrl: string; token?: string }, config: ResolverConfig): Promise<PostingIdentity | null> {
  const opts = { baseUrl: ctx.baseUrl };
  const bot = await botIdentity(config, opts).catch((err: unknown) => {
    log.warn("the bot token does not work", { error: (err as Error).message });
    return null;
  });
  if (bot) return bot;
  if (ctx.token) return { api: gitlabApiWithHeaders({ baseUrl: ctx.baseUrl, token: ctx.token, headers: {} }), kind: "user", gitlabUserId: null };
  for (const userId of [ctx.conversation.userId, await findInstallerOf(ctx.db, ctx.conversation.id)]) {
    if (!userId) continue;
    try {
      return await userIdentity(ctx.db, config, userId, null, opts);
    } catch (err) {
      log.info("cannot post with this account", { userId, error: (err as Error).message });
    }
  }
  return null;
}

/**
 * The owner's token as of now. A run may outlast the token it started with (GitLab's expire after
 * 2 h), so finish asks tokens.ts again (it refreshes under the row lock when needed) and only falls
 * back to the run's token when that fails.
 */
export async function currentOwnerToken(ctx: { db: Database; conversation: Conversation; token?: string }, config: ResolverConfig): Promise<string | undefined> {
  try {
    return await getAccessToken(ctx.db, ctx.conversation.userId, { oauth: config.oauth });
  } catch (err) {
    log.warn("could not refresh the owner's token; using the run's", { conversationId: ctx.conversation.id, error: (err as Error).message });
    return ctx.token;
  }
}

/** The context with the owner's current token, which the redactor then knows too (a refresh mid-run makes a new one). */
export function withCurrentToken<T extends RunContext>(ctx: T, token: string | undefined): T {
  if (!token || token === ctx.token) return ctx;
  return { ...ctx, token, redactor: ctx.redactor.with({ name: "refreshed GitLab OAuth token", value: token }) };
}

/** One final comment per run: keyed by the run's start time, so a follow-up run gets its own. */
export function finalKey(conversation: Conversation): string {
  return markerKey("final", conversation.id, conversation.startedAt?.getTime() ?? "unstarted");
}

/**
 * Posts the run's final comment in the trigger's thread, then marks the trigger ✅ or ❌ (and takes
 * the 👀 back). Never throws: it is the last thing a run does.
 */
export async function postFinal(ctx: { db: Database; conversation: Conversation; baseUrl: string; token?: string }, env: LifecycleEnv, body: RedactedText, verdict: Verdict): Promise<void> {
  try {
    const identity = await lifecycleIdentity(ctx, env.config);
    if (!identity) {
      log.error("no GitLab account can post the final comment", { conversationId: ctx.conversation.id });
      return;
    }
    await postCommentOnce(
      ctx.db,
      identity.api,
      { key: finalKey(ctx.conversation), target: commentTargetOf(ctx.conversation), body, conversationId: ctx.conversation.id },
      { retryDelayMs: env.config.postRetryDelayMs },
    );
    await markTrigger(identity.api, ctx.conversation, verdict);
  } catch (err) {
    log.error("could not post the final comment", { conversationId: ctx.conversation.id, err });
    await appendEvent(ctx.db, ctx.conversation.id, { kind: "error", message: `Could not post the final comment on GitLab: ${(err as Error).message}` }).catch(() => undefined);
  }
}

/** For the timeline: what was published to GitLab. */
export async function recordPublished(ctx: RunContext, event: { kind: "branch_pushed"; branch: string; url: string } | { kind: "merge_request"; url: string; iid: number; reused: boolean }): Promise<void> {
  await appendEvent(ctx.db, ctx.conversation.id, event).catch((err: unknown) => log.warn("could not record a published item", { err }));
}

export const projectWebUrl = (baseUrl: string, projectPath: string): string => `${baseUrl.replace(/\/+$/, "")}/${projectPath}`;
