import { revalidatePath } from "next/cache";
import { z } from "zod";
import type { Database } from "@/db/client";
import { authAction, type ActionState } from "@/lib/http/server-action";

export type ConversationActionState = ActionState & { url?: string };

const conversationRef = z.object({ conversationId: z.string().min(1) });

/**
 * The shared frame of the conversation page's buttons: the signed-in user, the conversation id the
 * form sent, `fn` scoped to that user (the lib call re-checks ownership: another user's
 * conversation is "does not exist"), then the page refreshed.
 */
export function conversationAction(name: string, fn: (db: Database, ref: { id: string; userId: string }) => Promise<{ message: string; url?: string }>) {
  return authAction(
    conversationRef,
    async ({ conversationId }, { user, db }) => {
      const done = await fn(db, { id: conversationId, userId: user.id });
      revalidatePath(`/conversations/${conversationId}`);
      return done;
    },
    { name, invalid: "This conversation does not exist." },
  );
}
