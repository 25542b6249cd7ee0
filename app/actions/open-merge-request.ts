"use server";

import { openConversationMergeRequest } from "@/lib/conversations/publish";
import { getEnv } from "@/lib/env";
import { gitlabOAuthConfig } from "@/lib/gitlab/settings";
import { runConversationAction, type ConversationActionState } from "./conversation-action";

export type OpenMergeRequestState = ConversationActionState;

/** "Open merge request": pushes the branch if needed, then opens (or reuses) the MR, with the user's own token. */
export async function openMergeRequestAction(_prev: OpenMergeRequestState, formData: FormData): Promise<OpenMergeRequestState> {
  return runConversationAction(formData, "open merge request", async (db, ref) => {
    const mr = await openConversationMergeRequest(db, ref, { oauth: gitlabOAuthConfig, appUrl: getEnv().APP_URL });
    return { message: mr.reused ? `Merge request !${mr.iid} was already open.` : `Opened merge request !${mr.iid}.`, url: mr.url };
  });
}
