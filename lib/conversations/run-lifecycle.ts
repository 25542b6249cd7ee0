import type { Database } from "@/db/client";
import type { Conversation, ConversationTrigger } from "@/db/schema";
import type { AgentResult } from "@/lib/agent/types";
import type { Workspace } from "@/lib/agent/workspace";
import type { Redactor } from "@/lib/redaction";

/**
 * How GitLab-triggered conversations plug into `agent.run`. The run (lib/conversations/run.ts) calls
 * the lifecycle of `conversation.trigger` at fixed moments; conversations launched from the app or the
 * API have none (the user pushes and opens the merge request from the conversation page).
 *
 * Types only: the implementations (lib/resolver/run-lifecycle/) talk to GitLab and sit above this
 * module, so the composition roots (the `agent.run` handler, the worker's sweeper, cancel's callers)
 * pass them in as `RunLifecycles` and lib/conversations never imports the resolver.
 */
export interface RunContext {
  db: Database;
  conversation: Conversation;
  token: string;
  baseUrl: string;
  signal: AbortSignal;
  /** the run's redactor (issue 13): everything a lifecycle writes to GitLab goes through it */
  redactor: Redactor;
}
export interface RunLifecycle {
  /** before cloning: extra prompt context (issue text, MR diff, thread…), the project (a fork MR's source; default the conversation's) and branch to clone, and the branch the work goes to */
  /**
   * `promptContext` is text written by others on GitLab (the prompt fences it); `appInstructions` is
   * the app's own request for this run (a review), which must stay outside that fence.
   */
  prepare?(ctx: RunContext): Promise<{ promptContext?: string; appInstructions?: string; cloneProjectPath?: string; cloneBranch?: string; workBranch?: string }>;
  /** after the agent ran and the app committed (committedSha null when nothing changed): push, MR, final comment. Must not throw: report failures in the final comment. */
  finish?(ctx: RunContext & { workspace: Workspace }, result: AgentResult & { committedSha: string | null }): Promise<{ pushedBranch?: string | null; mergeRequestUrl?: string | null; summary?: string }>;
  /** the run ended without reaching finish (clone failed, token revoked, crashed, interrupted, cancelled before start): post the final comment with the reason. Must not throw. */
  abort?(ctx: Omit<RunContext, "token"> & { token?: string }, reason: string): Promise<void>;
}
/** The lifecycle of each trigger that has one (`issue`, `merge_request`); `{}` where none applies. */
export type RunLifecycles = Partial<Record<ConversationTrigger, RunLifecycle>>;
