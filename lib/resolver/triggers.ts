import type { WebhookEvent } from "@/lib/gitlab/webhook-events";
import { decideIssueEvent } from "./decisions/issue-event";
import { decideMergeRequestEvent } from "./decisions/merge-request-event";
import { decideNoteEvent } from "./decisions/note-event";
import type { Decision, DecisionContext } from "./trigger-types";

export * from "./trigger-types";

/** The decision for one event: one handler file per event kind. */
export function decide(event: WebhookEvent, ctx: DecisionContext): Decision {
  switch (event.kind) {
    case "issue":
      return decideIssueEvent(event.payload, ctx);
    case "note":
      return decideNoteEvent(event.payload);
    case "merge_request":
      return decideMergeRequestEvent(event.payload);
  }
}
