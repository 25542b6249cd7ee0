"use server";

import { cancelConversation } from "@/lib/conversations/cancel";
import type { FormAction } from "@/lib/http/server-action";
import { runLifecycles } from "@/lib/resolver/run-lifecycle";
import { conversationAction, type ConversationActionState } from "./conversation-action";

export type CancelConversationState = ConversationActionState;

/** Cancel: at once when queued, otherwise the run kills the agent's process group within seconds. */
export const cancelConversationAction: FormAction<CancelConversationState> = conversationAction("cancel", async (db, ref) => {
  const row = await cancelConversation(db, ref, { lifecycles: runLifecycles });
  return { message: row.status === "cancelled" ? "Cancelled." : "Cancelling…" };
});
