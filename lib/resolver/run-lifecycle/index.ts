import type { RunLifecycles } from "@/lib/conversations/run-lifecycle";
import { issueLifecycle } from "./issue-lifecycle";
import { mergeRequestLifecycle } from "./merge-request-lifecycle";

/**
 * The GitLab flows as lifecycles of a conversation's run, by trigger. lib/conversations defines the
 * interface and never imports this: the composition roots (the `agent.run` handler, the worker's
 * sweeper, the cancel action and route) pass it in. App and API conversations have no lifecycle.
 */
export const runLifecycles: RunLifecycles = {
  issue: issueLifecycle,
  merge_request: mergeRequestLifecycle,
};
