import type { WebhookEvent } from "@/lib/gitlab/webhook-events";
import { decideIssueHook } from "./handlers/issue-hook";
import { decideMergeRequestHook } from "./handlers/merge-request-hook";
import { decideNoteHook } from "./handlers/note-hook";
import type { Decision, DecisionContext } from "./trigger-types";

export * from "./trigger-types";

/** The decision for one event: one handler file per event kind. */
export function decide(event: WebhookEvent, ctx: DecisionContext): Decision {
  switch (event.kind) {
    case "issue":
      return decideIssueHook(event.payload, ctx);
    case "note":
      return decideNoteHook(event.payload);
    case "merge_request":
      return decideMergeRequestHook(event.payload);
  }
}
