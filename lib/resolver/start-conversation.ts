import type { Database } from "@/db/client";
import type { Conversation } from "@/db/schema";
import { appendEventLocked } from "@/lib/conversations/events";
import { lockConversationRow } from "@/lib/conversations/queries";
import { issueBranchName } from "./branch-name";
import { getConversationByTriggerKey, insertConversationOnce, recordOutcome } from "./queries";
import type { Trigger } from "./trigger-types";

/**
 * Turning a trigger into a conversation. The conversation row carries the trigger's key under a
 * UNIQUE index, so when a project hook and a group hook deliver the same comment (two deliveries,
 * two jobs, maybe two workers at once) exactly one insert wins; the other delivery is recorded as a
 * duplicate of the winner. The insert, the comment as the conversation's first message and the
 * delivery's outcome are one transaction: a retried job finds either all of it or none of it.
 */

export interface NewTriggeredConversation {
  deliveryId: string;
  trigger: Trigger;
  ownerUserId: string;
}

export type StartResult = { created: true; conversation: Conversation } | { created: false; conversation: Conversation };

function rowFor(trigger: Trigger, ownerUserId: string) {
  const common = { userId: ownerUserId, projectId: trigger.projectId, projectPath: trigger.projectPath, triggerKey: trigger.triggerKey };
  if (trigger.kind === "mr_note") {
    return {
      ...common,
      trigger: "merge_request" as const,
      branch: trigger.sourceBranch,
      title: `!${trigger.mergeRequestIid} ${trigger.mergeRequestTitle}`.slice(0, 200),
      mergeRequestIid: trigger.mergeRequestIid,
      noteId: trigger.noteId,
      discussionId: trigger.discussionId,
    };
  }
  return {
    ...common,
    trigger: "issue" as const,
    // The default branch the work starts from (and the merge request targets).
    branch: trigger.defaultBranch ?? "main",
    title: trigger.issueTitle.slice(0, 200),
    issueIid: trigger.issueIid,
    noteId: trigger.kind === "issue_note" ? trigger.noteId : null,
    discussionId: trigger.kind === "issue_note" ? trigger.discussionId : null,
    workBranch: issueBranchName(trigger.issueIid, trigger.issueTitle),
  };
}

/** The request the comment makes, as the conversation's first user message (none for a label). */
function firstMessage(trigger: Trigger): string | null {
  if (trigger.kind === "issue_label") return null;
  const text = trigger.request.trim();
  return text === "" ? null : text;
}

export async function startTriggeredConversation(db: Database, input: NewTriggeredConversation): Promise<StartResult> {
  return db.transaction(async (tx) => {
    const created = await insertConversationOnce(tx, rowFor(input.trigger, input.ownerUserId));
    if (!created) {
      const existing = await getConversationByTriggerKey(tx, input.trigger.triggerKey);
      if (!existing) throw new Error(`trigger ${input.trigger.triggerKey} conflicted but no conversation has it`);
      await recordOutcome(tx, input.deliveryId, "ignored", `duplicate: this ${describeTrigger(input.trigger)} is already handled by conversation ${existing.id}`, existing.id);
      return { created: false as const, conversation: existing };
    }
    const message = firstMessage(input.trigger);
    if (message) {
      await lockConversationRow(tx, created.id);
      await appendEventLocked(tx, created.id, { kind: "user_message", text: message });
    }
    await recordOutcome(tx, input.deliveryId, "triggered", describeTrigger(input.trigger), created.id);
    return { created: true as const, conversation: created };
  });
}

export function describeTrigger(trigger: Trigger): string {
  switch (trigger.kind) {
    case "issue_label":
      return `label added to issue #${trigger.issueIid}`;
    case "issue_note":
      return `comment ${trigger.noteId} on issue #${trigger.issueIid}`;
    case "mr_note":
      return `comment ${trigger.noteId} on merge request !${trigger.mergeRequestIid}`;
  }
}
