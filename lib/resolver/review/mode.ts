import type { Database } from "@/db/client";
import { listEventsOfKinds } from "@/lib/conversations/events";
import { visibleProse } from "../mentions";

/**
 * `@openhands review` asks for a review, not a change (product.md §5). The request is the comment
 * with its leading mention removed (start-conversation.ts), so "review" is its first word; a mention
 * later in the comment ("could you @openhands review this?") counts too, outside code and quotes,
 * like every MR mention. Auto-review conversations carry the request "review" themselves.
 */
export function isReviewRequest(text: string): boolean {
  const prose = visibleProse(text).trim();
  return /^review\b/i.test(prose) || /(^|[^\w])@openhands[\s,:]+review\b/i.test(prose);
}

/** The request auto-review conversations start with (what the conversation page shows as the user's message). */
export const AUTO_REVIEW_REQUEST = "review (automatic review of a new merge request)";

/** True when the newest user message of the conversation (the run's current task) asks for a review. */
export async function isReviewConversation(db: Database, conversationId: string): Promise<boolean> {
  const messages = await listEventsOfKinds(db, conversationId, ["user_message"]);
  const last = messages[messages.length - 1]?.event;
  return last?.kind === "user_message" && isReviewRequest(last.text);
}
