"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { currentUser } from "@/lib/auth/current-user";
import { followUpMessageSchema, sendFollowUp } from "@/lib/conversations/follow-up";
import { toAppError } from "@/lib/http/app-error";
import { log } from "@/lib/log";

const schema = z.object({ conversationId: z.string().min(1), message: followUpMessageSchema });

export type SendFollowUpState = {
  status: "idle" | "success" | "error";
  message?: string;
  fieldErrors?: Record<string, string[] | undefined>;
  /** on error, the text to put back in the box */
  draft?: string;
};

/** A follow-up message; the conversation's owner is re-checked under its row lock (404 otherwise). */
export async function sendFollowUpAction(_prev: SendFollowUpState, formData: FormData): Promise<SendFollowUpState> {
  const user = await currentUser();
  if (!user) return { status: "error", message: "Your session ended. Sign in again." };
  const draft = String(formData.get("message") ?? "");
  const parsed = schema.safeParse({ conversationId: formData.get("conversationId") ?? "", message: draft });
  if (!parsed.success) return { status: "error", message: "Check the message.", fieldErrors: z.flattenError(parsed.error).fieldErrors, draft };
  try {
    const { db } = await getDb();
    const { queuedRun } = await sendFollowUp(db, { conversationId: parsed.data.conversationId, userId: user.id, message: parsed.data.message });
    revalidatePath(`/conversations/${parsed.data.conversationId}`);
    return { status: "success", message: queuedRun ? "Sent. The agent is starting a new run." : "Sent. The agent will pick it up when the current run ends." };
  } catch (err) {
    const e = toAppError(err);
    if (e.status >= 500) log.error("follow-up failed", { userId: user.id, err });
    return { status: "error", message: e.message, draft };
  }
}
