import type { AgentResult } from "@/lib/agent/types";
import type { RunContext } from "@/lib/conversations/run-lifecycle";
import { log } from "@/lib/log";
import { commentTargetOf } from "../acknowledge";
import { mergeRequestReplyBody } from "../comments";
import { postCommentOnce } from "../post-comment";
import { getUserById } from "@/lib/users/queries";
import { parseReview } from "../review/findings";
import { publishReview } from "../review/publish";
import { finalKey, lifecycleIdentity, postFinal, type LifecycleEnv } from "./common";
import { markTrigger } from "./trigger-reaction";

/**
 * The end of a review run (`@openhands review`, or an automatic review): the agent's message is read
 * as a review (review/findings.ts) and published as one summary note plus inline threads
 * (review/publish.ts). Nothing is pushed. When the review came from a comment, a short reply in the
 * comment's thread points at the summary (every triggered run ends with a comment in its thread).
 */
export async function finishReview(
  ctx: RunContext,
  env: LifecycleEnv,
  result: AgentResult & { committedSha: string | null },
): Promise<{ pushedBranch?: string | null; summary?: string }> {
  const conv = ctx.conversation;
  const iid = conv.mergeRequestIid;
  if (iid === null) throw new Error(`conversation ${conv.id} has no merge request`);
  const parsed = parseReview(result.summary);
  try {
    const identity = await lifecycleIdentity(ctx, env.config);
    if (!identity) throw new Error("no GitLab account can post the review");
    // A user identity posts as the conversation's owner (lifecycleIdentity), whose GitLab id the users row holds.
    const authorId = identity.gitlabUserId ?? (await getUserById(ctx.db, ctx.conversation.userId))?.gitlabUserId ?? null;
    const report = await publishReview(identity.api, { projectId: conv.projectId, iid }, parsed, { conversationUrl: env.url, discarded: result.committedSha !== null, authorId, redactor: ctx.redactor });
    const inline = report.posted.length + report.alreadyPosted.length;
    const summary = `Review posted on !${iid}: ${inline} inline comment(s)${report.outsideDiff.length > 0 ? `, ${report.outsideDiff.length} finding(s) outside the diff in the summary` : ""}${parsed.kind === "invalid" ? `; the findings could not be read (${parsed.reason})` : ""}.`;
    if (conv.noteId !== null) {
      await postCommentOnce(
        ctx.db,
        identity.api,
        { key: finalKey(conv), target: commentTargetOf(conv), body: ctx.redactor.text(`✅ ${summary} The summary is in the merge request's overview.\n\nDetails: [the conversation](${env.url}).`), conversationId: conv.id },
        { retryDelayMs: env.config.postRetryDelayMs },
      );
      // Like every run's end (issue 16): the triggering comment gets its ✅ and loses its 👀.
      await markTrigger(identity.api, conv, "resolved");
    }
    return { summary: `${summary}\n\n${parsed.kind === "review" ? parsed.summary || parsed.prose : parsed.prose}`.trim() };
  } catch (err) {
    log.error("publishing the review failed", { conversationId: conv.id, err });
    const reason = `publishing the review failed: ${(err as Error).message}`;
    await postFinal(ctx, env, ctx.redactor.text(mergeRequestReplyBody({ kind: "failed", reason, summary: result.summary }, env.url)), "unresolved");
    return { summary: reason };
  }
}

