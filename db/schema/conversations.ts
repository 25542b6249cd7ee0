import { bigserial, boolean, index, integer, jsonb, pgTable, text, timestamp, uuid, uniqueIndex } from "drizzle-orm/pg-core";
import { users } from "./users";

export const conversationStatuses = ["queued", "starting", "running", "finished", "failed", "cancelled"] as const;
export type ConversationStatus = (typeof conversationStatuses)[number];
export const conversationTriggers = ["ui", "issue", "merge_request", "api"] as const;
export type ConversationTrigger = (typeof conversationTriggers)[number];
/**
 * How a run ended, as people read it. `cancelled` and `timed_out` are outcomes of their own (issue
 * 17): a cancel is not a failure, and a time-out says what to change (the limit or the task). The
 * column is plain text, so adding values needs no migration.
 */
export const conversationOutcomes = ["resolved", "not_resolved", "answered", "failed", "cancelled", "timed_out"] as const;
export type ConversationOutcome = (typeof conversationOutcomes)[number];

export const conversations = pgTable(
  "conversations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    projectId: integer("project_id").notNull(),
    projectPath: text("project_path").notNull(),
    branch: text("branch").notNull(),
    title: text("title").notNull().default(""),
    trigger: text("trigger", { enum: conversationTriggers }).notNull().default("ui"),
    issueIid: integer("issue_iid"),
    mergeRequestIid: integer("merge_request_iid"),
    noteId: integer("note_id"),
    discussionId: text("discussion_id"),
    /** semantic dedup: one run per (project, note) or (project, issue, label event) */
    triggerKey: text("trigger_key"),
    status: text("status", { enum: conversationStatuses }).notNull().default("queued"),
    outcome: text("outcome", { enum: conversationOutcomes }),
    summary: text("summary"),
    error: text("error"),
    workBranch: text("work_branch"),
    pushedBranch: text("pushed_branch"),
    mergeRequestUrl: text("merge_request_url"),
    runtime: text("runtime"),
    /** Cloud API `openMergeRequest: true`: push and open a merge request when the run resolves (issue 17) */
    openMergeRequest: boolean("open_merge_request").notNull().default(false),
    heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }),
    cancelRequestedAt: timestamp("cancel_requested_at", { withTimezone: true }),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("conversations_trigger_key_uq").on(t.triggerKey),
    index("conversations_user_created_idx").on(t.userId, t.createdAt),
    index("conversations_status_idx").on(t.status),
  ],
);

/** The live timeline. `seq` is gapless per conversation, so a reconnecting stream resumes exactly. */
export const conversationEvents = pgTable(
  "conversation_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    conversationId: uuid("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    kind: text("kind").notNull(),
    payload: jsonb("payload").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("conversation_events_seq_uq").on(t.conversationId, t.seq)],
);

export type Conversation = typeof conversations.$inferSelect;
export type ConversationEvent = typeof conversationEvents.$inferSelect;
