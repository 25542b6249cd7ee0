import { integer, pgTable, text, timestamp, uuid, uniqueIndex } from "drizzle-orm/pg-core";
import { users } from "./users";

export const connectionStatuses = ["active", "needs_reauth"] as const;
export type ConnectionStatus = (typeof connectionStatuses)[number];

/**
 * One GitLab OAuth connection per user. Tokens are AES-256-GCM envelopes (lib/crypto), never
 * plaintext. `refresh_generation` increments on every refresh so a caller holding a stale copy can
 * tell that someone else already rotated the single-use refresh token.
 */
export const gitlabConnections = pgTable(
  "gitlab_connections",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    baseUrl: text("base_url").notNull(),
    gitlabUserId: integer("gitlab_user_id").notNull(),
    username: text("username").notNull(),
    accessTokenEnc: text("access_token_enc").notNull(),
    refreshTokenEnc: text("refresh_token_enc"),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    scopes: text("scopes").notNull().default(""),
    status: text("status", { enum: connectionStatuses }).notNull().default("active"),
    refreshGeneration: integer("refresh_generation").notNull().default(0),
    lastRefreshedAt: timestamp("last_refreshed_at", { withTimezone: true }),
    lastError: text("last_error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("gitlab_connections_user_uq").on(t.userId), uniqueIndex("gitlab_connections_identity_uq").on(t.baseUrl, t.gitlabUserId)],
);

export type GitlabConnection = typeof gitlabConnections.$inferSelect;
