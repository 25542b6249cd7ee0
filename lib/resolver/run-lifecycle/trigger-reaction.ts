import { z } from "zod";
import type { Conversation } from "@/db/schema";
import { addReaction, removeReactions, type Awardable } from "@/lib/gitlab/award-emoji";
import type { GitLabApi } from "@/lib/gitlab/client";
import { rest } from "@/lib/gitlab/groups";
import { log } from "@/lib/log";
import type { IssueFinal, MergeRequestReply } from "../comments";

/**
 * How the run ended, said on the trigger itself: ✅ for a resolved (or answered) run, ❌ for a failed,
 * not resolved or cancelled one, on the triggering comment (or on the issue, for a label trigger),
 * and the 👀 of the acknowledgment removed. Every call is idempotent (lib/gitlab/award-emoji.ts), and
 * the opposite verdict of an earlier run (a follow-up) is taken back, so the trigger shows one.
 */

export type Verdict = "resolved" | "unresolved";

export const VERDICT_EMOJI: Record<Verdict, string> = { resolved: "white_check_mark", unresolved: "x" };
const ACK_EMOJI = "eyes";

export function issueVerdict(final: IssueFinal): Verdict {
  if (final.kind === "merge_request") return "resolved";
  if (final.kind === "no_changes" && (final.outcome === "resolved" || final.outcome === "answered")) return "resolved";
  return "unresolved";
}

export function mergeRequestVerdict(reply: MergeRequestReply): Verdict {
  return reply.kind === "answer" || reply.kind === "pushed" ? "resolved" : "unresolved";
}

function triggerOf(conversation: Conversation): Awardable | null {
  if (conversation.trigger === "merge_request" && conversation.mergeRequestIid !== null) {
    // MR runs start from a comment; without one there is nothing to mark.
    return conversation.noteId === null ? null : { type: "merge_request", projectId: conversation.projectId, iid: conversation.mergeRequestIid, noteId: conversation.noteId };
  }
  if (conversation.trigger === "issue" && conversation.issueIid !== null) {
    return { type: "issue", projectId: conversation.projectId, iid: conversation.issueIid, noteId: conversation.noteId };
  }
  return null;
}

const meSchema = z.object({ id: z.number().int() }).loose();

/** Never throws: a missing reaction must not turn a finished run into a failed one. */
export async function markTrigger(api: GitLabApi, conversation: Conversation, verdict: Verdict): Promise<void> {
  const target = triggerOf(conversation);
  if (!target) return;
  try {
    await addReaction(api, target, VERDICT_EMOJI[verdict]);
    const me = meSchema.parse((await rest(api, "get", "user")).body);
    const opposite = VERDICT_EMOJI[verdict === "resolved" ? "unresolved" : "resolved"];
    await removeReactions(api, target, [ACK_EMOJI, opposite], me.id);
  } catch (err) {
    log.warn("could not mark the trigger with the run's outcome", { conversationId: conversation.id, verdict, error: (err as Error).message });
  }
}
