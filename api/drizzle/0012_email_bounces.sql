ALTER TABLE "deliveries" ADD COLUMN "skip_reason" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "email_bounced_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "email_bounce_reason" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "email_paused_until" timestamp with time zone;