import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import type { Database } from "@/db/client";
import { currentUser } from "@/lib/auth/current-user";
import { toAppError } from "@/lib/http/app-error";
import { log } from "@/lib/log";

export type ConversationActionState = { status: "idle" | "success" | "error"; message?: string; code?: string; url?: string };

const schema = z.object({ conversationId: z.string().min(1) });

/**
 * The shared frame of the conversation page's actions: resolve the signed-in user, read the
 * conversation id the form sent, run `fn` scoped to that user (the lib call re-checks ownership),
 * refresh the page, and turn failures into a message instead of an error page.
 */
export async function runConversationAction(
  formData: FormData,
  what: string,
  fn: (db: Database, ref: { id: string; userId: string }) => Promise<{ message: string; url?: string }>,
): Promise<ConversationActionState> {
  const user = await currentUser();
  if (!user) return { status: "error", message: "Your session ended. Sign in again." };
  const parsed = schema.safeParse({ conversationId: formData.get("conversationId") ?? "" });
  if (!parsed.success) return { status: "error", message: "This conversation does not exist." };
  try {
    const { db } = await getDb();
    const done = await fn(db, { id: parsed.data.conversationId, userId: user.id });
    revalidatePath(`/conversations/${parsed.data.conversationId}`);
    return { status: "success", ...done };
  } catch (err) {
    const e = toAppError(err);
    if (e.status >= 500) log.error(`${what} failed`, { userId: user.id, err });
    return { status: "error", message: e.message, code: e.code };
  }
}
