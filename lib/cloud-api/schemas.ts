import { z } from "zod";
import { conversationOutcomes, conversationStatuses, conversationTriggers } from "@/db/schema";
import { timelineEventSchema } from "@/lib/conversations/event-types";
import { followUpMessageSchema } from "@/lib/conversations/follow-up";

/**
 * The Cloud API's contract: every request the handlers parse and every body they send is one of
 * these schemas, and `openapi.ts` generates the published document from the very same objects, so
 * the document cannot drift from the code. Field names are camelCase, the same
 * vocabulary as the event stream the web page shares (lib/conversations/stream.ts).
 */

// ---- requests -------------------------------------------------------------------------------

/** The same rule the conversation services apply to every message (lib/conversations/follow-up.ts). */
const message = followUpMessageSchema.describe("What the agent should do, in plain language (Markdown is fine).");

export const createConversationBody = z.object({
  repository: z
    .union([
      z.number().int().positive(),
      z
        .string()
        .trim()
        .min(1, "Name a repository, e.g. group/project")
        .max(255)
        .regex(/^[^\s]+$/, "Use the project path without spaces, e.g. group/project, or its numeric id"),
    ])
    .describe("The GitLab project: its path with namespace (`group/project`) or its numeric id."),
  branch: z.string().trim().min(1).max(255).optional().describe("Branch to work on. Defaults to the project's default branch."),
  message,
  openMergeRequest: z
    .boolean()
    .default(false)
    .describe("When the run resolves the task with changes, push them to a new branch and open a merge request to `branch`, as `POST …/merge-request` would. Otherwise the work waits for `POST …/push` or `POST …/merge-request`."),
});
export type CreateConversationBody = z.infer<typeof createConversationBody>;

export const followUpBody = z.object({ message });

export const listConversationsQuery = z.object({
  status: z.enum(conversationStatuses).optional().describe("Only conversations in this status."),
  cursor: z
    .string()
    .max(500)
    .regex(/^[A-Za-z0-9_-]+$/, "Use the nextCursor of a previous page as it was given")
    .optional()
    .describe("`nextCursor` from the previous page."),
  limit: z.coerce.number().int().min(1).max(100).default(20).describe("Page size, 1 to 100."),
});

export const eventsQuery = z.object({
  after: z.coerce
    .number()
    .int()
    .min(0)
    .default(0)
    .describe("Only events with a larger `seq`. Pass the last `seq` you saw to resume without gaps or repeats."),
});

export const conversationIdParam = z.string().describe("The conversation id (a UUID).");

// ---- responses ------------------------------------------------------------------------------

const timestamp = z.iso.datetime().describe("ISO 8601, UTC");

export const errorBody = z
  .object({
    error: z.object({
      code: z.string().describe("Stable, machine-readable code, e.g. `invalid_api_key`, `repository_not_found`, `validation_failed`."),
      message: z.string().describe("What went wrong and what to do, for people."),
      details: z
        .record(z.string(), z.unknown())
        .optional()
        .describe("For `validation_failed` (422): each invalid field with its messages."),
    }),
  })
  .describe("Every error has this shape.");

export const conversationResource = z.object({
  id: z.uuid(),
  status: z.enum(conversationStatuses),
  title: z.string(),
  repository: z.object({ id: z.number().int().describe("GitLab project id"), path: z.string().describe("`group/project`") }),
  branch: z.string(),
  trigger: z.enum(conversationTriggers).describe("What started the conversation (`api` for this API)."),
  outcome: z.enum(conversationOutcomes).nullable(),
  summary: z.string().nullable().describe("The agent's closing summary, once it has one."),
  error: z.string().nullable().describe("Why the run failed, when it did."),
  outcomeLabel: z.string().nullable().describe("How the conversation ended, in words: Resolved, Answered, Not resolved, Failed, Cancelled or Timed out; null while it runs."),
  pushedBranch: z.string().nullable().describe("The branch the agent's work was pushed to, if it was."),
  pendingFiles: z.array(z.string()).optional().describe("Files the agent changed that are not on GitLab yet (`POST …/push` sends them). Only on single-conversation responses."),
  mergeRequestUrl: z.string().nullable().describe("The merge request the agent opened or updated, if any."),
  url: z.url().describe("The conversation in the web app."),
  createdAt: timestamp,
  updatedAt: timestamp,
  startedAt: timestamp.nullable(),
  finishedAt: timestamp.nullable(),
});
export type ConversationResource = z.infer<typeof conversationResource>;

export const conversationList = z.object({
  items: z.array(conversationResource),
  nextCursor: z.string().nullable().describe("Pass as `cursor` for the next page; null on the last page."),
});

export const conversationEvent = z.object({
  seq: z.number().int().min(1).describe("Gapless, increasing position in the conversation's timeline."),
  createdAt: timestamp,
  /** what happened; `kind` says which shape it has (the same vocabulary the web page renders) */
  event: timelineEventSchema,
});

export const conversationEvents = z.object({
  items: z.array(conversationEvent),
  nextAfter: z.number().int().min(0).describe("Pass as `after` to get only newer events."),
  status: z.enum(conversationStatuses).describe("The conversation's status when the events were read; stop polling when it is final."),
});

export const pushedBranchResource = z.object({
  branch: z.string().describe("The branch on GitLab holding the agent's work."),
  url: z.url().describe("The branch on GitLab's web UI."),
  conversation: conversationResource,
});

export const mergeRequestResource = z.object({
  iid: z.number().int().describe("The merge request's number in its project (`!iid`)."),
  url: z.url().describe("The merge request on GitLab's web UI."),
  reused: z.boolean().describe("True when a merge request from this branch was already open and was reused."),
  conversation: conversationResource,
});

/** Schemas named in the document's components, by name. */
export const namedSchemas = {
  Error: errorBody,
  Conversation: conversationResource,
  ConversationList: conversationList,
  ConversationEvent: conversationEvent,
  TimelineEvent: timelineEventSchema,
  ConversationEvents: conversationEvents,
  PushedBranch: pushedBranchResource,
  MergeRequest: mergeRequestResource,
} as const;

/** Request bodies named in the document's components (generated in input mode: defaults are optional). */
export const namedRequestSchemas = {
  CreateConversationRequest: createConversationBody,
  FollowUpRequest: followUpBody,
} as const;
