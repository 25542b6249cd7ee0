import type { Database } from "@/db/client";
import type { Conversation } from "@/db/schema";
import { getConversation } from "@/lib/conversations/queries";
import { AppError } from "@/lib/http/app-error";

/**
 * The key owner's conversation, or a 404. Another user's conversation gets the very same answer as
 * a missing one, so ids cannot be probed for existence.
 */
export async function requireApiConversation(db: Database, userId: string, id: string): Promise<Conversation> {
  const conversation = await getConversation(db, { id, userId });
  if (!conversation) throw new AppError("conversation_not_found", 404, `Conversation ${id} was not found.`);
  return conversation;
}
