ALTER TABLE "agenda_jobs" ADD COLUMN "run_id" uuid;--> statement-breakpoint
ALTER TABLE "agenda_jobs" ADD COLUMN "run_seen_at" timestamp with time zone;