import { jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { conversations } from "./conversations";

/**
 * The agent's changes that are not on GitLab yet, for conversations launched from the app or the
 * API. The workspace is deleted after every run, so the work is kept as a binary git diff against
 * `baseBranch`@`baseSha`: "Push branch" re-applies it on a fresh clone and pushes, and a follow-up
 * run restores it before the agent continues. One row per conversation, replaced by every run
 * (cumulative) and deleted once the branch is pushed.
 */
export const conversationChanges = pgTable("conversation_changes", {
  conversationId: uuid("conversation_id")
    .primaryKey()
    .references(() => conversations.id, { onDelete: "cascade" }),
  baseBranch: text("base_branch").notNull(),
  baseSha: text("base_sha").notNull(),
  patch: text("patch").notNull(),
  files: jsonb("files").$type<string[]>().notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export type ConversationChanges = typeof conversationChanges.$inferSelect;
