-- Deliveries are sent by a runner that claims them from this table in batches (#19), not by one
-- Agenda job each: a pending delivery says when it is due and which live run holds it. A delivery
-- job still queued at the upgrade hands its due time (a retry's backoff) to its delivery and goes.
ALTER TABLE "deliveries" ADD COLUMN "next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "run_id" uuid;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "run_seen_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "deliveries_due_idx" ON "deliveries" USING btree ("next_attempt_at") WHERE "deliveries"."status" = 'pending';--> statement-breakpoint
UPDATE "deliveries" AS d SET "next_attempt_at" = j.next_run_at
  FROM "agenda_jobs" AS j
 WHERE j.name = 'delivery.send' AND j.next_run_at IS NOT NULL AND d.status = 'pending'
   AND d.id::text = j.data->>'deliveryId';--> statement-breakpoint
DELETE FROM "agenda_jobs" WHERE "name" = 'delivery.send';
