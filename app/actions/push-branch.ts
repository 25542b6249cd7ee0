"use server";

import { pushConversationBranch } from "@/lib/conversations/publish";
import { getEnv } from "@/lib/env";
import { gitlabOAuthConfig } from "@/lib/gitlab/settings";
import type { FormAction } from "@/lib/http/server-action";
import { conversationAction, type ConversationActionState } from "./conversation-action";

export type PushBranchState = ConversationActionState;

/** "Push branch": the agent's changes go to the conversation's work branch, with the user's own token. */
export const pushBranchAction: FormAction<PushBranchState> = conversationAction("push branch", async (db, ref) => {
  const pushed = await pushConversationBranch(db, ref, { oauth: gitlabOAuthConfig, appUrl: getEnv().APP_URL });
  return { message: `Pushed ${pushed.branch}.`, url: pushed.url };
});
