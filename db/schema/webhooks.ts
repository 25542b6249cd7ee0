import { index, integer, jsonb, pgTable, text, timestamp, uuid, uniqueIndex } from "drizzle-orm/pg-core";
import { users } from "./users";
import { conversations } from "./conversations";

export const resourceTypes = ["group", "project"] as const;
export type ResourceType = (typeof resourceTypes)[number];
export const installationStatuses = ["installed", "not_installed", "failed"] as const;
export type InstallationStatus = (typeof installationStatuses)[number];

/**
 * Our webhook on one GitLab group or project. The secret GitLab sends back is
 * `<installation id>.<random>`: the receiver finds this row by id and compares the hash in constant
 * time, so no plaintext secret is stored and lookup is O(1).
 */
export const webhookInstallations = pgTable(
  "webhook_installations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    baseUrl: text("base_url").notNull(),
    resourceType: text("resource_type", { enum: resourceTypes }).notNull(),
    resourceId: integer("resource_id").notNull(),
    resourcePath: text("resource_path").notNull(),
    resourceName: text("resource_name").notNull(),
    gitlabHookId: integer("gitlab_hook_id"),
    secretHash: text("secret_hash"),
    status: text("status", { enum: installationStatuses }).notNull().default("not_installed"),
    error: text("error"),
    httpStatus: integer("http_status"),
    alertStatus: text("alert_status"),
    disabledUntil: timestamp("disabled_until", { withTimezone: true }),
    /** free-tier fallback: how many projects of this group carry project hooks instead */
    coveredProjects: integer("covered_projects"),
    installedBy: uuid("installed_by").references(() => users.id, { onDelete: "set null" }),
    installedAt: timestamp("installed_at", { withTimezone: true }),
    /** issue 18, auto-review: the owner who turned on "review new merge requests" here (null: off); reviews run as them */
    autoReviewBy: uuid("auto_review_by").references(() => users.id, { onDelete: "set null" }),
    autoReviewAt: timestamp("auto_review_at", { withTimezone: true }),
    failedAt: timestamp("failed_at", { withTimezone: true }),
    checkedAt: timestamp("checked_at", { withTimezone: true }),
    // Recovery of missed deliveries (issue 16, lib/webhook-installations/recovery.ts).
    /** when recovery last finished for this hook */
    recoveryRanAt: timestamp("recovery_ran_at", { withTimezone: true }),
    /** everything that happened before this moment has been seen (delivered, resent or swept) */
    sweptThrough: timestamp("swept_through", { withTimezone: true }),
    /** missed deliveries recovered so far: failed ones resent plus triggers found by the sweep */
    recoveredCount: integer("recovered_count").notNull().default(0),
    /** when GitLab had disabled the hook and recovery re-enabled it (last time), and how often */
    reenabledAt: timestamp("reenabled_at", { withTimezone: true }),
    reenabledCount: integer("reenabled_count").notNull().default(0),
    /** why the last recovery could not finish, in words for the Integrations page */
    recoveryError: text("recovery_error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("webhook_installations_resource_uq").on(t.baseUrl, t.resourceType, t.resourceId)],
);

export const deliveryOutcomes = ["pending", "triggered", "ignored", "refused", "failed"] as const;
export type DeliveryOutcome = (typeof deliveryOutcomes)[number];

/** Every authenticated delivery, deduplicated by its idempotency key, with what we did about it. */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    installationId: uuid("installation_id").references(() => webhookInstallations.id, { onDelete: "set null" }),
    idempotencyKey: text("idempotency_key").notNull(),
    eventUuid: text("event_uuid"),
    event: text("event").notNull(),
    projectId: integer("project_id"),
    payload: jsonb("payload"),
    outcome: text("outcome", { enum: deliveryOutcomes }).notNull().default("pending"),
    reason: text("reason"),
    conversationId: uuid("conversation_id").references(() => conversations.id, { onDelete: "set null" }),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp("processed_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_idempotency_uq").on(t.idempotencyKey),
    index("webhook_deliveries_installation_idx").on(t.installationId, t.receivedAt),
  ],
);

export type WebhookInstallation = typeof webhookInstallations.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
