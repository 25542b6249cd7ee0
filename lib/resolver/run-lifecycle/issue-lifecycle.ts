import { GitPushRejectedError } from "@/lib/agent/workspace";
import { appendEvent } from "@/lib/conversations/events";
import type { RunContext, RunLifecycle } from "@/lib/conversations/run-lifecycle";
import { getBranch } from "@/lib/gitlab/branches";
import { gitlabApiWithHeaders } from "@/lib/gitlab/traced-client";
import { GitLabError } from "@/lib/gitlab/errors";
import { getIssue } from "@/lib/gitlab/issues";
import { createOrReuseMergeRequest } from "@/lib/gitlab/merge-requests";
import { listRecentNotes } from "@/lib/gitlab/notes";
import { log } from "@/lib/log";
import { issueBranchName } from "../branch-name";
import { describeFailure, issueFinalBody, type IssueFinal } from "../comments";
import { issueContext } from "../prompt-context";
import { currentOwnerToken, lifecycleEnv, lifecycleIdentity, postFinal, projectWebUrl, recordPublished, withCurrentToken } from "./common";
import { issueVerdict } from "./trigger-reaction";

/**
 * The issue flow (product.md §4) as the lifecycle of the conversation's run:
 * - prepare: the issue's title, description and recent comments as context; work on
 *   `openhands/issue-<iid>-<slug>`, continuing that branch when it already exists on GitLab (an
 *   earlier run on the same issue), so there is one branch and one merge request per issue;
 * - finish: push, open (or reuse) the merge request with `Closes #<iid>`, and the final comment;
 * - abort: the final comment saying why the run ended early.
 */

function issueIidOf(ctx: RunContext | Parameters<NonNullable<RunLifecycle["abort"]>>[0]): number {
  const iid = ctx.conversation.issueIid;
  if (iid === null) throw new Error(`conversation ${ctx.conversation.id} has no issue`);
  return iid;
}

async function branchExists(api: ReturnType<typeof gitlabApiWithHeaders>, projectId: number, branch: string): Promise<boolean> {
  try {
    await getBranch(api, projectId, branch);
    return true;
  } catch (err) {
    if (err instanceof GitLabError && err.kind === "not_found") return false;
    throw err;
  }
}

export const issueLifecycle: RunLifecycle = {
  async prepare(ctx) {
    const conv = ctx.conversation;
    const iid = issueIidOf(ctx);
    const api = gitlabApiWithHeaders({ baseUrl: ctx.baseUrl, token: ctx.token, headers: {} });
    const [issue, comments] = await Promise.all([
      getIssue(api, conv.projectId, iid),
      listRecentNotes(api, { type: "issue", projectId: conv.projectId, iid }, { perPage: 100 }),
    ]);
    const workBranch = conv.workBranch ?? issueBranchName(iid, issue.title);
    // The triggering comment is the conversation's first message; it need not appear twice.
    const promptContext = issueContext({ projectPath: conv.projectPath, issue, comments, excludeNoteId: conv.noteId });
    const cloneBranch = (await branchExists(api, conv.projectId, workBranch)) ? workBranch : conv.branch;
    return { promptContext, cloneBranch, workBranch };
  },

  async finish(ctx, result) {
    const env = await lifecycleEnv(ctx.conversation);
    const conv = ctx.conversation;
    const out: { pushedBranch?: string | null; mergeRequestUrl?: string | null; summary?: string } = {};
    ctx = withCurrentToken(ctx, await currentOwnerToken(ctx, env.config));
    let final: IssueFinal;
    try {
      if (result.outcome === "failed") {
        final = { kind: "failed", reason: describeFailure(result), summary: result.summary };
      } else if (!result.committedSha) {
        final = { kind: "no_changes", outcome: result.outcome, summary: result.summary };
      } else {
        final = await publish(ctx, env, result.summary, out);
      }
    } catch (err) {
      log.error("issue run finish failed", { conversationId: conv.id, err });
      final = { kind: "failed", reason: `publishing the result failed: ${(err as Error).message}`, summary: result.summary };
    }
    await postFinal(ctx, env, ctx.redactor.text(issueFinalBody(final, env.url)), issueVerdict(final));
    return out;
  },

  async abort(ctx, reason) {
    const env = await lifecycleEnv(ctx.conversation);
    await postFinal(ctx, env, ctx.redactor.text(issueFinalBody({ kind: "failed", reason }, env.url)), "unresolved");
  },
};

/** Push the work branch and open (or reuse) its merge request. */
async function publish(
  ctx: Parameters<NonNullable<RunLifecycle["finish"]>>[0],
  env: Awaited<ReturnType<typeof lifecycleEnv>>,
  summary: string,
  out: { pushedBranch?: string | null; mergeRequestUrl?: string | null },
): Promise<IssueFinal> {
  const conv = ctx.conversation;
  const iid = issueIidOf(ctx);
  const branch = ctx.workspace.branch;
  try {
    // The app pushes with the owner's full-scope token (never the agent's).
    await ctx.workspace.push(branch, { token: ctx.token }, ctx.redactor);
  } catch (err) {
    if (err instanceof GitPushRejectedError) {
      if (err.reason === "secret") await appendEvent(ctx.db, conv.id, { kind: "error", message: err.message });
      return { kind: "push_refused", reason: err.message, summary, branch };
    }
    throw err;
  }
  out.pushedBranch = branch;
  await recordPublished(ctx, { kind: "branch_pushed", branch, url: `${projectWebUrl(ctx.baseUrl, conv.projectPath)}/-/tree/${branch}` });
  const identity = await lifecycleIdentity(ctx, env.config);
  if (!identity) return { kind: "mr_failed", reason: "no GitLab account is available to open it", summary, branch };
  try {
    const { mr, reused } = await createOrReuseMergeRequest(identity.api, conv.projectId, {
      sourceBranch: branch,
      targetBranch: conv.branch,
      title: ctx.redactor.text(`Resolve "${conv.title}"`.slice(0, 255)),
      description: ctx.redactor.text(`Closes #${iid}\n\n${summary.trim()}\n\n---\nOpened by the OpenHands agent. Conversation: ${env.url}`),
    });
    out.mergeRequestUrl = mr.webUrl;
    await recordPublished(ctx, { kind: "merge_request", url: mr.webUrl, iid: mr.iid, reused });
    return { kind: "merge_request", summary, mergeRequestUrl: mr.webUrl, mergeRequestIid: mr.iid, reused };
  } catch (err) {
    if (err instanceof GitLabError) return { kind: "mr_failed", reason: err.message, summary, branch };
    throw err;
  }
}
