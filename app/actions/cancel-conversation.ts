"use server";

import { cancelConversation } from "@/lib/conversations/cancel";
import { runLifecycles } from "@/lib/resolver/run-lifecycle";
import { runConversationAction, type ConversationActionState } from "./conversation-action";

export type CancelConversationState = ConversationActionState;

/** Cancel: at once when queued, otherwise the run kills the agent's process group within seconds. */
export async function cancelConversationAction(_prev: CancelConversationState, formData: FormData): Promise<CancelConversationState> {
  return runConversationAction(formData, "cancel", async (db, ref) => {
    const row = await cancelConversation(db, ref, { lifecycles: runLifecycles });
    return { message: row.status === "cancelled" ? "Cancelled." : "Cancelling…" };
  });
}
