import { index, integer, pgTable, text, timestamp, uuid, uniqueIndex } from "drizzle-orm/pg-core";
import { conversations } from "./conversations";
import { webhookDeliveries } from "./webhooks";

export const commentPostStates = ["pending", "posted"] as const;
export type CommentPostState = (typeof commentPostStates)[number];
export const noteableTypes = ["issue", "merge_request"] as const;
export type NoteableType = (typeof noteableTypes)[number];

/**
 * Every comment the app writes on GitLab, keyed by what it is (`ack/<conversation>`,
 * `final/<conversation>/<run>`, `refusal/<project>/<issue>/<author>`…). It makes posting idempotent
 * without a GitLab round trip on the happy path: a key never attempted is posted at once; a key left
 * `pending` by a failed or crashed attempt is first looked up on GitLab by its hidden marker
 * (`marker_key`), so a retried job never posts twice. For refusal replies the row doubles as the
 * per-author rate limit: it is only re-claimed once `posted_at` is older than the window.
 */
export const gitlabCommentPosts = pgTable(
  "gitlab_comment_posts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    key: text("key").notNull(),
    /** the marker written into the comment; equals `key` except for rate-limited kinds */
    markerKey: text("marker_key").notNull(),
    state: text("state", { enum: commentPostStates }).notNull().default("pending"),
    projectId: integer("project_id").notNull(),
    noteableType: text("noteable_type", { enum: noteableTypes }).notNull(),
    noteableIid: integer("noteable_iid").notNull(),
    conversationId: uuid("conversation_id").references(() => conversations.id, { onDelete: "cascade" }),
    /** the delivery that claimed a rate-limited post (a retry of the same delivery may resume it) */
    deliveryId: uuid("delivery_id").references(() => webhookDeliveries.id, { onDelete: "set null" }),
    noteId: integer("note_id"),
    attempts: integer("attempts").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    postedAt: timestamp("posted_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("gitlab_comment_posts_key_uq").on(t.key), index("gitlab_comment_posts_conversation_idx").on(t.conversationId)],
);

export type GitlabCommentPost = typeof gitlabCommentPosts.$inferSelect;
