-- The at-risk and breached queues read through indexes (#19). Two stored generated columns hold a
-- ticket's SLA state at any instant, by the rule of presentSla: breached once now is past
-- sla_breach_at (-infinity when a breach is recorded), at risk from sla_warn_at until then. Two
-- partial indexes in the default page order carry the state in their keys. Adding the columns
-- rewrites the tickets table once (a few seconds at 100k tickets on a small machine).
ALTER TABLE "tickets" ADD COLUMN "sla_breach_at" timestamp with time zone GENERATED ALWAYS AS (CASE WHEN first_response_breached_at IS NOT NULL OR resolution_breached_at IS NOT NULL THEN '-infinity'::timestamptz ELSE LEAST(CASE WHEN first_response_running_since IS NOT NULL THEN first_response_due_at END, CASE WHEN resolution_running_since IS NOT NULL THEN resolution_due_at END) END) STORED;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "sla_warn_at" timestamp with time zone GENERATED ALWAYS AS (LEAST(CASE WHEN first_response_running_since IS NOT NULL THEN first_response_warn_at END, CASE WHEN resolution_running_since IS NOT NULL THEN resolution_warn_at END)) STORED;--> statement-breakpoint
CREATE INDEX "tickets_sla_breach_page_idx" ON "tickets" USING btree ("updated_at","id","status","sla_breach_at") WHERE "tickets"."sla_breach_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "tickets_sla_warn_page_idx" ON "tickets" USING btree ("updated_at","id","sla_warn_at",COALESCE("sla_breach_at", 'infinity'::timestamptz)) WHERE "tickets"."sla_warn_at" IS NOT NULL;