import type { Database } from "@/db/client";
import type { Conversation } from "@/db/schema";
import { toAppError } from "@/lib/http/app-error";
import { log } from "@/lib/log";
import { appendEvent } from "./events";
import { openConversationMergeRequest, type PublishDeps } from "./publish";

/**
 * Cloud API `openMergeRequest: true`: once a run ends resolved with changes, push and open the
 * merge request, exactly as `POST …/merge-request` would (same function, same token rules). A
 * failure does not change how the run ended: it is said in the timeline, and the work stays
 * pushable by hand.
 */
export async function publishIfRequested(db: Database, ended: Conversation | null, deps: PublishDeps): Promise<void> {
  if (!ended || !ended.openMergeRequest || ended.status !== "finished" || ended.outcome !== "resolved" || ended.mergeRequestUrl) return;
  try {
    await openConversationMergeRequest(db, { id: ended.id, userId: ended.userId }, deps);
  } catch (err) {
    const e = toAppError(err);
    log.warn("could not open the requested merge request", { conversationId: ended.id, code: e.code });
    await appendEvent(db, ended.id, { kind: "error", message: `The merge request could not be opened: ${e.message}` }).catch(() => undefined);
  }
}
