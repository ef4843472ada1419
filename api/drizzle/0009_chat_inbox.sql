ALTER TABLE "inbound_events" ADD COLUMN "payload" jsonb;--> statement-breakpoint
ALTER TABLE "inbound_events" ADD COLUMN "processed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "inbound_events" ADD COLUMN "failed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "inbound_events" ADD COLUMN "last_error" text;