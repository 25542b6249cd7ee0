ALTER TABLE "webhook_installations" ADD COLUMN "recovery_ran_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "webhook_installations" ADD COLUMN "swept_through" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "webhook_installations" ADD COLUMN "recovered_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "webhook_installations" ADD COLUMN "reenabled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "webhook_installations" ADD COLUMN "reenabled_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "webhook_installations" ADD COLUMN "recovery_error" text;