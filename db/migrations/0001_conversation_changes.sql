CREATE TABLE "conversation_changes" (
	"conversation_id" uuid PRIMARY KEY NOT NULL,
	"base_branch" text NOT NULL,
	"base_sha" text NOT NULL,
	"patch" text NOT NULL,
	"files" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "conversation_changes" ADD CONSTRAINT "conversation_changes_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;