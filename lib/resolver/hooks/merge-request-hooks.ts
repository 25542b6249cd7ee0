import { GitPushRejectedError } from "@/lib/agent/workspace";
import type { RunContext, RunHooks } from "@/lib/conversations/run-hooks";
import { getDiscussion } from "@/lib/gitlab/discussions";
import { getMergeRequest, getMergeRequestDiffs, type MergeRequestDetails } from "@/lib/gitlab/merge-requests";
import { gitlabApiWithHeaders } from "@/lib/gitlab/traced-client";
import { log } from "@/lib/log";
import { describeFailure, mergeRequestReplyBody, type MergeRequestReply } from "../comments";
import { mergeRequestContext } from "../prompt-context";
import { currentOwnerToken, hookEnv, postFinal, projectWebUrl, recordPublished } from "./common";

/**
 * The merge request flow (product.md §5): the context is the MR, its diff (capped), the whole thread
 * of the comment and, for inline comments, the file and line. The agent works in a checkout of the
 * source branch; questions get their answer as a reply in the same thread, requested changes are
 * pushed to the source branch. A fork's branch cannot be pushed from here: the reply says so.
 */

function mrIidOf(ctx: { conversation: RunContext["conversation"] }): number {
  const iid = ctx.conversation.mergeRequestIid;
  if (iid === null) throw new Error(`conversation ${ctx.conversation.id} has no merge request`);
  return iid;
}

const isFork = (mr: MergeRequestDetails): boolean => mr.sourceProjectId !== mr.targetProjectId;

export const mergeRequestHooks: RunHooks = {
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
    const promptContext = mergeRequestContext({
      projectPath: conv.projectPath,
      mr,
      diffs,
      thread,
      excludeNoteId: conv.noteId,
      position: position ? { path: position.path, line: position.line, oldPath: null, oldLine: position.oldLine } : null,
    });
    // A fork's source branch lives in another project: work on the target branch with the diff as
    // context (answers still work; changes cannot be pushed, and finish says so).
    return isFork(mr) ? { promptContext, cloneBranch: mr.targetBranch } : { promptContext, cloneBranch: mr.sourceBranch };
  },

  async finish(ctx, result) {
    const env = await hookEnv(ctx.conversation);
    const conv = ctx.conversation;
    const out: { pushedBranch?: string | null; summary?: string } = {};
    ctx = { ...ctx, token: (await currentOwnerToken(ctx, env.config)) ?? ctx.token };
    let reply: MergeRequestReply;
    try {
      if (result.outcome === "failed") {
        reply = { kind: "failed", reason: describeFailure(result), summary: result.summary };
      } else if (!result.committedSha) {
        reply = result.outcome === "not_resolved" ? { kind: "not_resolved", summary: result.summary } : { kind: "answer", summary: result.summary };
      } else {
        const api = gitlabApiWithHeaders({ baseUrl: ctx.baseUrl, token: ctx.token, headers: {} });
        const mr = await getMergeRequest(api, conv.projectId, mrIidOf(ctx));
        if (isFork(mr)) {
          reply = { kind: "fork_no_push", summary: result.summary, allowCollaboration: mr.allowCollaboration };
        } else {
          try {
            await ctx.workspace.push(mr.sourceBranch, { token: ctx.token });
            out.pushedBranch = mr.sourceBranch;
            await recordPublished(ctx, { kind: "branch_pushed", branch: mr.sourceBranch, url: `${projectWebUrl(ctx.baseUrl, conv.projectPath)}/-/tree/${mr.sourceBranch}` });
            reply = { kind: "pushed", summary: result.summary, branch: mr.sourceBranch, sha: result.committedSha };
          } catch (err) {
            if (!(err instanceof GitPushRejectedError)) throw err;
            reply = { kind: "push_refused", reason: err.message, summary: result.summary, branch: mr.sourceBranch };
          }
        }
      }
    } catch (err) {
      log.error("merge request run finish failed", { conversationId: conv.id, err });
      reply = { kind: "failed", reason: `publishing the result failed: ${(err as Error).message}`, summary: result.summary };
    }
    await postFinal(ctx, env, mergeRequestReplyBody(reply, env.url));
    return out;
  },

  async abort(ctx, reason) {
    const env = await hookEnv(ctx.conversation);
    await postFinal(ctx, env, mergeRequestReplyBody({ kind: "failed", reason }, env.url));
  },
};
