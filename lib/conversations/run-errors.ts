import { GitPushRejectedError, GitWorkspaceError } from "@/lib/agent/workspace";
import { GitLabError, NeedsReauthError } from "@/lib/gitlab/errors";
import { ChangesError } from "./changes";

/**
 * A failed run's reason, as the user reads it in the timeline. Known failures keep their own
 * (token-free) messages; anything else says what kind of failure it was without internals.
 */
export function describeRunError(err: unknown): string {
  if (err instanceof NeedsReauthError) return `GitLab needs to be reconnected (${err.reason}). Reconnect GitLab, then send a message to try again.`;
  if (err instanceof GitLabError) return err.message;
  if (err instanceof GitWorkspaceError || err instanceof GitPushRejectedError || err instanceof ChangesError) return err.message;
  if (err instanceof Error && err.message) return `Unexpected error: ${err.message.slice(0, 500)}`;
  return "Unexpected error";
}
