import { getDb } from "@/db";
import { getConversation } from "@/lib/conversations/queries";
import { conversationEventStream, eventStreamHeaders, resumeSeq } from "@/lib/conversations/stream";
import { AppError } from "@/lib/http/app-error";
import { withUser } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/**
 * The live timeline of one of the signed-in user's conversations, as Server-Sent Events. Resumes
 * after `Last-Event-ID` (or `?after=<seq>`). Another user's conversation is a 404, like a missing one.
 */
export const GET = withUser<{ params: Promise<{ id: string }> }>(async (req, { params, user }) => {
  const { id } = await params;
  const handle = await getDb();
  const conversation = await getConversation(handle.db, { id, userId: user.id });
  if (!conversation) throw new AppError("conversation_not_found", 404, "This conversation does not exist.");
  const stream = conversationEventStream({ handle, conversationId: conversation.id, afterSeq: resumeSeq(req), signal: req.signal });
  return new Response(stream, { headers: eventStreamHeaders });
});
