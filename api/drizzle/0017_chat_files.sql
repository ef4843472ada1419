CREATE TABLE "chat_session_files" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"filename" text NOT NULL,
	"content_type" text NOT NULL,
	"size" integer NOT NULL,
	"sha256" text NOT NULL,
	"content" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "chat_session_files" ADD CONSTRAINT "chat_session_files_session_id_chat_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."chat_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "chat_session_files_session_idx" ON "chat_session_files" USING btree ("session_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "chat_session_files_session_sha_idx" ON "chat_session_files" USING btree ("session_id","sha256");