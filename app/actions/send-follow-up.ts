"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { followUpMessageSchema, sendFollowUp } from "@/lib/conversations/follow-up";
import { authAction, type ActionState, type FormAction } from "@/lib/http/server-action";

const schema = z.object({ conversationId: z.string().min(1), message: followUpMessageSchema });

export type SendFollowUpState = ActionState & {
  /** on error, the text to put back in the box */
  draft?: string;
};

/** A follow-up message; the conversation's owner is re-checked under its row lock (404 otherwise). */
export const sendFollowUpAction: FormAction<SendFollowUpState> = authAction(
  schema,
  async ({ conversationId, message }, { user, db }) => {
    const { queuedRun } = await sendFollowUp(db, { conversationId, userId: user.id, message });
    revalidatePath(`/conversations/${conversationId}`);
    return { message: queuedRun ? "Sent. The agent is starting a new run." : "Sent. The agent will pick it up when the current run ends." };
  },
  { name: "follow-up", invalid: "Check the message.", keep: (raw) => ({ draft: raw.message }) },
);
