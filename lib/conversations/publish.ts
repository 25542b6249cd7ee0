import type { Database } from "@/db/client";
import type { Conversation } from "@/db/schema";
import { createAgentHome } from "@/lib/agent/agent-env";
import { GitPushRejectedError, GitWorkspaceError, withWorkspace } from "@/lib/agent/workspace";
import type { CipherKit } from "@/lib/crypto";
import { gitlabForUser } from "@/lib/gitlab/client";
import { createOrReuseMergeRequest } from "@/lib/gitlab/merge-requests";
import type { OAuthConfigSource } from "@/lib/gitlab/tokens";
import { AppError } from "@/lib/http/app-error";
import { Redactor, runSecrets } from "@/lib/redaction";
import { getAgentSecrets } from "@/lib/secrets/queries";
import { appendEvent } from "./events";
import { applyChanges, ChangesError } from "./changes";
import { clearChanges, getChanges, getConversation, setMergeRequestUrl, setPushedBranch, setWorkBranch } from "./queries";
import { AGENT_AUTHOR } from "./agent-author";
import { isTerminal } from "./status";
import { workBranchName } from "./work-branch";

export interface PublishDeps {
  oauth: OAuthConfigSource;
  /** public URL of the app, linked from the merge request */
  appUrl: string;
  workDir?: string;
  /** defaults to appCipher(); tests pass their own */
  cipher?: CipherKit;
}

export interface PushedBranch {
  branch: string;
  url: string;
}

/** Pushing happens for app/API conversations; GitLab-triggered ones publish from their run. */
async function publishable(db: Database, id: string, userId: string): Promise<Conversation> {
  const conversation = await getConversation(db, { id, userId });
  if (!conversation) throw new AppError("conversation_not_found", 404, "This conversation does not exist.");
  if (conversation.trigger !== "ui" && conversation.trigger !== "api") {
    throw new AppError("not_publishable", 409, "This conversation publishes its work on GitLab by itself.");
  }
  if (!isTerminal(conversation.status)) throw new AppError("conversation_running", 409, "Wait for the agent to finish before pushing.");
  return conversation;
}

export function branchUrl(baseUrl: string, projectPath: string, branch: string): string {
  return `${baseUrl}/${projectPath}/-/tree/${branch.split("/").map(encodeURIComponent).join("/")}`;
}

/**
 * "Push branch": replay the conversation's unpushed changes on a fresh clone and push them to its
 * work branch, with the user's full (OAuth) token, never the agent's. Idempotent: when nothing is
 * pending and the branch was pushed before, it answers with that branch.
 */
export async function pushConversationBranch(db: Database, input: { id: string; userId: string }, deps: PublishDeps): Promise<PushedBranch> {
  const conversation = await publishable(db, input.id, input.userId);
  const { baseUrl, token } = await gitlabForUser(db, input.userId, deps.oauth, { cipher: deps.cipher });
  const pending = await getChanges(db, conversation.id);
  if (!pending) {
    if (conversation.pushedBranch) return { branch: conversation.pushedBranch, url: branchUrl(baseUrl, conversation.projectPath, conversation.pushedBranch) };
    throw new AppError("nothing_to_push", 409, "The agent did not change any files, so there is nothing to push.");
  }
  const redactor = await publishRedactor(db, input.userId, token, deps);
  const branch = redactor.branchName(conversation.workBranch ?? workBranchName(conversation));
  if (!conversation.workBranch) await setWorkBranch(db, conversation.id, branch);
  const home = await createAgentHome(deps.workDir);
  try {
    await withWorkspace({ repoUrl: `${baseUrl}/${conversation.projectPath}.git`, branch: pending.baseBranch, credentials: { token }, rootDir: deps.workDir }, async (ws) => {
      if (ws.branch !== branch) await ws.checkoutNewBranch(branch);
      await applyChanges(ws, home.dir, pending.patch);
      const title = conversation.title || "Changes by the agent";
      await ws.commitAll(redactor.text(`${title}\n\nMade by the OpenHands agent.\nConversation: ${deps.appUrl}/conversations/${conversation.id}`), AGENT_AUTHOR);
      await ws.push(branch, { token }, redactor);
    });
  } catch (err) {
    throw pushFailure(err);
  } finally {
    await home.cleanup();
  }
  await setPushedBranch(db, conversation.id, branch);
  await clearChanges(db, conversation.id);
  const url = branchUrl(baseUrl, conversation.projectPath, branch);
  await appendEvent(db, conversation.id, { kind: "branch_pushed", branch, url });
  return { branch, url };
}

/**
 * "Open merge request": push first if needed, then open an MR from the work branch to the branch
 * the conversation started from, or reuse the one already open for that branch.
 */
export async function openConversationMergeRequest(db: Database, input: { id: string; userId: string }, deps: PublishDeps): Promise<{ url: string; iid: number; reused: boolean }> {
  const { branch } = await pushConversationBranch(db, input, deps);
  const conversation = await publishable(db, input.id, input.userId);
  const { api, token } = await gitlabForUser(db, input.userId, deps.oauth, { cipher: deps.cipher });
  const redactor = await publishRedactor(db, input.userId, token, deps);
  const conversationUrl = `${deps.appUrl}/conversations/${conversation.id}`;
  const { mr, reused } = await createOrReuseMergeRequest(api, conversation.projectId, {
    sourceBranch: branch,
    targetBranch: conversation.branch,
    title: redactor.text(conversation.title || `Changes from OpenHands conversation ${conversation.id.slice(0, 8)}`),
    description: redactor.text(`${conversation.summary ?? ""}\n\nOpened from the OpenHands conversation: ${conversationUrl}`.trim()),
  });
  await setMergeRequestUrl(db, conversation.id, mr.webUrl);
  await appendEvent(db, conversation.id, { kind: "merge_request", url: mr.webUrl, iid: mr.iid, reused });
  return { url: mr.webUrl, iid: mr.iid, reused };
}

/** The same redaction as the conversation's runs: the user's token and secrets, the deployment's, known shapes. */
async function publishRedactor(db: Database, userId: string, token: string, deps: PublishDeps): Promise<Redactor> {
  const secrets = await getAgentSecrets(db, userId, { cipher: deps.cipher });
  return new Redactor(runSecrets({ oauthToken: token, secrets }));
}

const pushAdvice: Record<GitPushRejectedError["reason"], string> = {
  protected: "The branch is protected on GitLab.",
  non_fast_forward: "The branch changed on GitLab since the agent's work was based on it.",
  forbidden: "Your GitLab account may not push to this repository.",
  auth: "GitLab rejected your token; reconnect GitLab and try again.",
  secret: "",
  other: "",
};

/** Git failures as messages a user can act on (they never contain the token: see git-process.ts). */
function pushFailure(err: unknown): unknown {
  // Refused by the app itself, before GitLab saw anything: its message says why.
  if (err instanceof GitPushRejectedError && err.reason === "secret") return new AppError("push_refused_secret", 409, err.message);
  if (err instanceof GitPushRejectedError) return new AppError("push_rejected", 409, `GitLab refused the push. ${pushAdvice[err.reason]} ${err.message}`.replace(/\s+/g, " ").trim());
  if (err instanceof GitWorkspaceError || err instanceof ChangesError) return new AppError("push_failed", 409, err.message);
  return err;
}
