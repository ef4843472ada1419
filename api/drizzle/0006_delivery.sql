CREATE TABLE "deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"outbox_id" bigint NOT NULL,
	"channel" text NOT NULL,
	"kind" text NOT NULL,
	"target" text NOT NULL,
	"ref_key" text,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "message_refs" (
	"ref_key" text PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"ref" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "deliveries_once_idx" ON "deliveries" USING btree ("outbox_id","channel","kind","target");--> statement-breakpoint
CREATE INDEX "deliveries_status_idx" ON "deliveries" USING btree ("status","created_at");--> statement-breakpoint
-- Wake the outbox relay on every insert (delivered at commit; one notification per statement).
CREATE OR REPLACE FUNCTION deskmate_outbox_notify() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('deskmate_outbox', '');
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION deskmate_outbox_notify();
