import { GitPushRejectedError, type Workspace } from "@/lib/agent/workspace";
import { appendEvent } from "@/lib/conversations/events";
import type { RunContext, RunLifecycle } from "@/lib/conversations/run-lifecycle";
import { getDiscussion } from "@/lib/gitlab/discussions";
import { getMergeRequest, getMergeRequestDiffs, type MergeRequestDetails } from "@/lib/gitlab/merge-requests";
import { getProject } from "@/lib/gitlab/projects";
import { gitlabApiWithHeaders } from "@/lib/gitlab/traced-client";
import { log } from "@/lib/log";
import { describeFailure, mergeRequestReplyBody, type MergeRequestReply } from "../comments";
import { mergeRequestContext } from "../prompt-context";
import { isReviewConversation } from "../review/mode";
import { reviewInstructions } from "../review/prompt";
import { currentOwnerToken, lifecycleEnv, postFinal, projectWebUrl, recordPublished, withCurrentToken } from "./common";
import { finishReview } from "./review-finish";
import { mergeRequestVerdict } from "./trigger-reaction";

/**
 * The merge request flow (product.md §5): the context is the MR, its diff (capped), the whole thread
 * of the comment and, for inline comments, the file and line. The agent works in a checkout of the
 * source branch (in the source project: a fork's branch is cloned from the fork); questions get their
 * answer as a reply in the same thread, requested changes are pushed to the source branch. For a
 * fork MR that is only possible when it allows collaboration and the pushing account can merge into
 * the target (GitLab decides); otherwise the reply says why nothing was pushed.
 */

function mrIidOf(ctx: { conversation: RunContext["conversation"] }): number {
  const iid = ctx.conversation.mergeRequestIid;
  if (iid === null) throw new Error(`conversation ${ctx.conversation.id} has no merge request`);
  return iid;
}

const isFork = (mr: MergeRequestDetails): boolean => mr.sourceProjectId !== mr.targetProjectId;

/**
 * Full path of the project the workspace was cloned from, lower-cased; null when unknown. Read from
 * what the app cloned, never from the checkout's git config, which the agent may have rewritten.
 */
async function clonedProjectPath(ws: Workspace, baseUrl: string): Promise<string | null> {
  try {
    const url = new URL(ws.repoUrl);
    const base = new URL(baseUrl);
    const prefix = base.pathname.replace(/\/+$/, "");
    if (url.origin !== base.origin || !url.pathname.startsWith(`${prefix}/`)) return null;
    return url.pathname.slice(prefix.length + 1).replace(/\.git$/, "").toLowerCase();
  } catch {
    return null;
  }
}

export const mergeRequestLifecycle: RunLifecycle = {
  async prepare(ctx) {
    const conv = ctx.conversation;
    const iid = mrIidOf(ctx);
    const api = gitlabApiWithHeaders({ baseUrl: ctx.baseUrl, token: ctx.token, headers: {} });
    const target = { type: "merge_request" as const, projectId: conv.projectId, iid };
    const [mr, diffs, thread] = await Promise.all([
      getMergeRequest(api, conv.projectId, iid),
      getMergeRequestDiffs(api, conv.projectId, iid),
      conv.discussionId ? getDiscussion(api, target, conv.discussionId).then((d) => d.notes) : Promise.resolve([]),
    ]);
    const position = thread.find((n) => n.id === conv.noteId)?.position ?? null;
    const review = await isReviewConversation(ctx.db, conv.id);
    const mrContext = mergeRequestContext({
      projectPath: conv.projectPath,
      mr,
      diffs,
      thread,
      excludeNoteId: conv.noteId,
      position: position ? { path: position.path, line: position.line, oldPath: null, oldLine: position.oldLine } : null,
    });
    // The review request is the app's own instruction: it goes outside the fence around the MR's text.
    const promptContext = mrContext;
    const appInstructions = review ? reviewInstructions() : undefined;
    if (!isFork(mr)) return { promptContext, appInstructions, cloneBranch: mr.sourceBranch };
    // A fork's source branch lives in the fork: clone it from there. When the fork cannot be read
    // (deleted, or private to us), work on the target branch with the diff as context: answers still
    // work, and finish sees that the clone is not the fork and says changes cannot be pushed.
    try {
      const source = await getProject(api, mr.sourceProjectId);
      return { promptContext, appInstructions, cloneProjectPath: source.pathWithNamespace, cloneBranch: mr.sourceBranch };
    } catch (err) {
      log.warn("cannot read the source project of a fork merge request", { conversationId: conv.id, sourceProjectId: mr.sourceProjectId, error: (err as Error).message });
      return { promptContext, appInstructions, cloneBranch: mr.targetBranch };
    }
  },

  async finish(ctx, result) {
    const env = await lifecycleEnv(ctx.conversation);
    const conv = ctx.conversation;
    const out: { pushedBranch?: string | null; summary?: string } = {};
    ctx = withCurrentToken(ctx, await currentOwnerToken(ctx, env.config));
    // A review publishes findings and never pushes, whatever the agent did to the checkout.
    if (result.outcome !== "failed" && (await isReviewConversation(ctx.db, conv.id))) return finishReview(ctx, env, result);
    let reply: MergeRequestReply;
    try {
      if (result.outcome === "failed") {
        reply = { kind: "failed", reason: describeFailure(result), summary: result.summary };
      } else if (!result.committedSha) {
        reply = result.outcome === "not_resolved" ? { kind: "not_resolved", summary: result.summary } : { kind: "answer", summary: result.summary };
      } else {
        const api = gitlabApiWithHeaders({ baseUrl: ctx.baseUrl, token: ctx.token, headers: {} });
        const mr = await getMergeRequest(api, conv.projectId, mrIidOf(ctx));
        const fork = isFork(mr);
        const sourcePath = fork ? (await getProject(api, mr.sourceProjectId).catch(() => null))?.pathWithNamespace ?? null : conv.projectPath;
        if (fork && !mr.allowCollaboration) {
          reply = { kind: "fork_no_push", summary: result.summary, allowCollaboration: false };
        } else if (fork && (sourcePath === null || (await clonedProjectPath(ctx.workspace, ctx.baseUrl)) !== sourcePath.toLowerCase())) {
          // The work is not a checkout of the fork's branch (prepare could not read the fork).
          reply = { kind: "fork_no_push", summary: result.summary, allowCollaboration: true, branch: mr.sourceBranch, reason: "I cannot read the fork's repository" };
        } else {
          try {
            await ctx.workspace.push(mr.sourceBranch, { token: ctx.token }, ctx.redactor);
            out.pushedBranch = mr.sourceBranch;
            await recordPublished(ctx, { kind: "branch_pushed", branch: mr.sourceBranch, url: `${projectWebUrl(ctx.baseUrl, sourcePath ?? conv.projectPath)}/-/tree/${mr.sourceBranch}` });
            reply = { kind: "pushed", summary: result.summary, branch: mr.sourceBranch, sha: result.committedSha };
          } catch (err) {
            if (!(err instanceof GitPushRejectedError)) throw err;
            // Refused by the app (a secret in the changes), not by GitLab: say that, fork or not.
            if (err.reason === "secret") await appendEvent(ctx.db, conv.id, { kind: "error", message: err.message });
            reply = err.reason === "secret"
              ? { kind: "push_refused", reason: err.message, summary: result.summary, branch: mr.sourceBranch }
              : fork
              ? { kind: "fork_no_push", summary: result.summary, allowCollaboration: true, branch: mr.sourceBranch, reason: `GitLab refused the push: ${err.message}` }
              : { kind: "push_refused", reason: err.message, summary: result.summary, branch: mr.sourceBranch };
          }
        }
      }
    } catch (err) {
      log.error("merge request run finish failed", { conversationId: conv.id, err });
      reply = { kind: "failed", reason: `publishing the result failed: ${(err as Error).message}`, summary: result.summary };
    }
    await postFinal(ctx, env, ctx.redactor.text(mergeRequestReplyBody(reply, env.url)), mergeRequestVerdict(reply));
    return out;
  },

  async abort(ctx, reason) {
    const env = await lifecycleEnv(ctx.conversation);
    await postFinal(ctx, env, ctx.redactor.text(mergeRequestReplyBody({ kind: "failed", reason }, env.url)), "unresolved");
  },
};
