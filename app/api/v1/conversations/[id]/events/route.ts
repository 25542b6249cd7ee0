import { withApiKey } from "@/lib/cloud-api/with-api-key";
import { conversationEvents, eventsQuery } from "@/lib/cloud-api/schemas";
import { jsonResponse, readQuery, wantsEventStream } from "@/lib/cloud-api/request";
import { requireApiConversation } from "@/lib/cloud-api/conversation-access";
import { listEvents } from "@/lib/conversations/events";
import { conversationEventStream, eventStreamHeaders, resumeSeq } from "@/lib/conversations/stream";

export const dynamic = "force-dynamic";

/**
 * The timeline after `after`: one JSON page, or with `Accept: text/event-stream` the same live
 * stream the web page uses (resuming after `Last-Event-ID` when a client reconnects).
 */
export const GET = withApiKey<{ params: Promise<{ id: string }> }>(async (req, { db, handle, user, params }) => {
  // Read the status before the events: when it is final, its own status event is already among them,
  // so a client that stops polling on a final status has seen everything.
  const conversation = await requireApiConversation(db, user.id, (await params).id);
  const { after } = readQuery(req, eventsQuery);
  if (wantsEventStream(req)) {
    const stream = conversationEventStream({ handle, conversationId: conversation.id, afterSeq: resumeSeq(req), signal: req.signal });
    return new Response(stream, { headers: eventStreamHeaders });
  }
  const events = await listEvents(db, conversation.id, after);
  return jsonResponse(conversationEvents, {
    items: events,
    nextAfter: events.at(-1)?.seq ?? after,
    status: conversation.status,
  });
});
