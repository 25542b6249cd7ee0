CREATE TABLE "gitlab_comment_posts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"key" text NOT NULL,
	"marker_key" text NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"project_id" integer NOT NULL,
	"noteable_type" text NOT NULL,
	"noteable_iid" integer NOT NULL,
	"conversation_id" uuid,
	"delivery_id" uuid,
	"note_id" integer,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"posted_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "gitlab_comment_posts" ADD CONSTRAINT "gitlab_comment_posts_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gitlab_comment_posts" ADD CONSTRAINT "gitlab_comment_posts_delivery_id_webhook_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."webhook_deliveries"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "gitlab_comment_posts_key_uq" ON "gitlab_comment_posts" USING btree ("key");--> statement-breakpoint
CREATE INDEX "gitlab_comment_posts_conversation_idx" ON "gitlab_comment_posts" USING btree ("conversation_id");