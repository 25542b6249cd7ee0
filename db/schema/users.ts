import { integer, pgTable, text, timestamp, uuid, uniqueIndex } from "drizzle-orm/pg-core";

/**
 * People who signed in. Sessions are stateless JWTs (next-auth), so there is no sessions table, and
 * we deliberately do not use the next-auth adapter's `accounts` table: it stores OAuth tokens in
 * plaintext. Tokens live encrypted in `gitlab_connections` instead.
 */
export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** GitLab instance the identity belongs to (self-managed and gitlab.com differ). */
    gitlabBaseUrl: text("gitlab_base_url").notNull(),
    gitlabUserId: integer("gitlab_user_id").notNull(),
    username: text("username").notNull(),
    name: text("name").notNull(),
    email: text("email"),
    avatarUrl: text("avatar_url"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    lastSignInAt: timestamp("last_sign_in_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("users_gitlab_identity_uq").on(t.gitlabBaseUrl, t.gitlabUserId)],
);

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
