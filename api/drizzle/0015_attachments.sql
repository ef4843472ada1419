-- Written by hand (drizzle-kit offers a rename, then fails on it): email_attachments becomes
-- attachments, for every file on a ticket, keeping its rows; they are all from email.
CREATE TYPE "public"."attachment_source" AS ENUM('email', 'upload', 'chat');--> statement-breakpoint
ALTER TABLE "email_attachments" RENAME TO "attachments";--> statement-breakpoint
ALTER TABLE "attachments" RENAME CONSTRAINT "email_attachments_pkey" TO "attachments_pkey";--> statement-breakpoint
ALTER TABLE "attachments" RENAME CONSTRAINT "email_attachments_ticket_id_tickets_id_fk" TO "attachments_ticket_id_tickets_id_fk";--> statement-breakpoint
ALTER TABLE "attachments" RENAME CONSTRAINT "email_attachments_event_id_ticket_events_id_fk" TO "attachments_event_id_ticket_events_id_fk";--> statement-breakpoint
ALTER TABLE "attachments" RENAME CONSTRAINT "email_attachments_inbound_id_email_inbound_id_fk" TO "attachments_inbound_id_email_inbound_id_fk";--> statement-breakpoint
ALTER INDEX "email_attachments_ticket_idx" RENAME TO "attachments_ticket_idx";--> statement-breakpoint
DROP INDEX "email_attachments_ticket_sha_idx";--> statement-breakpoint
ALTER TABLE "attachments" ADD COLUMN "source" "attachment_source" DEFAULT 'email' NOT NULL;--> statement-breakpoint
ALTER TABLE "attachments" ALTER COLUMN "source" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "attachments" ADD COLUMN "uploader_id" uuid;--> statement-breakpoint
ALTER TABLE "attachments" ADD COLUMN "thumbnail" "bytea";--> statement-breakpoint
ALTER TABLE "attachments" ADD COLUMN "attached_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "attachments" ALTER COLUMN "ticket_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_ticket_or_pending" CHECK ("attachments"."ticket_id" IS NOT NULL OR "attachments"."source" = 'upload');--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_uploader_id_users_id_fk" FOREIGN KEY ("uploader_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "attachments_event_idx" ON "attachments" USING btree ("event_id");--> statement-breakpoint
CREATE INDEX "attachments_pending_idx" ON "attachments" USING btree ("uploader_id","created_at") WHERE "attachments"."ticket_id" IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "attachments_ticket_sha_idx" ON "attachments" USING btree ("ticket_id","sha256") WHERE "attachments"."source" = 'email';
