"use server";

import { openConversationMergeRequest } from "@/lib/conversations/publish";
import { getEnv } from "@/lib/env";
import { gitlabOAuthConfig } from "@/lib/gitlab/settings";
import type { FormAction } from "@/lib/http/server-action";
import { conversationAction, type ConversationActionState } from "./conversation-action";

export type OpenMergeRequestState = ConversationActionState;

/** "Open merge request": pushes the branch if needed, then opens (or reuses) the MR, with the user's own token. */
export const openMergeRequestAction: FormAction<OpenMergeRequestState> = conversationAction("open merge request", async (db, ref) => {
  const mr = await openConversationMergeRequest(db, ref, { oauth: gitlabOAuthConfig, appUrl: getEnv().APP_URL });
  return { message: mr.reused ? `Merge request !${mr.iid} was already open.` : `Opened merge request !${mr.iid}.`, url: mr.url };
});
