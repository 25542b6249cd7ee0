import type { MergeRequestHook } from "@/lib/gitlab/webhook-events";
import { ignore, type Decision } from "../trigger-types";

/**
 * Merge Request Hook: the hook subscribes to MR events (the installer asks for them, and a later
 * feature may use them), but no MR event starts a run on its own; an `@openhands` comment does.
 */
export function decideMergeRequestHook(event: MergeRequestHook): Decision {
  return ignore(`merge request ${event.object_attributes.action ?? "event"} is not a trigger; mention @openhands in a comment`);
}
