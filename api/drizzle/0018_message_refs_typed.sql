-- Written by hand (drizzle-kit asks whether each new column renames an old one): what a message
-- reference means moves out of its string key (`<channel>:<kind>:<ticketId>[:<userId>]`) into
-- typed columns, in `message_refs` and in `deliveries` (a planned message's ref key). Existing rows
-- are backfilled from their keys, so an upgraded install keeps updating its triage cards and
-- threading its DMs and emails. A stored message whose key does not parse, or whose ticket or
-- person is gone, could never be found again and is dropped; then the keys go.
CREATE FUNCTION pg_temp.deskmate_ref_key(key text, OUT purpose text, OUT ticket_id uuid, OUT user_id uuid)
  LANGUAGE sql IMMUTABLE AS $$
  SELECT p.purpose, p.ticket::uuid, CASE WHEN p.purpose <> 'triage_card' THEN p.person::uuid END
  FROM (
    SELECT
      CASE split_part(key, ':', 1) || ':' || split_part(key, ':', 2)
        WHEN 'slack:triage' THEN 'triage_card'
        WHEN 'teams:triage' THEN 'triage_card'
        WHEN 'slack:dm' THEN 'dm_thread'
        WHEN 'email:thread' THEN 'email_thread'
      END AS purpose,
      split_part(key, ':', 3) AS ticket,
      split_part(key, ':', 4) AS person,
      array_length(string_to_array(key, ':'), 1) AS parts
  ) p
  WHERE p.ticket ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
    AND CASE p.purpose
      WHEN 'triage_card' THEN p.parts = 3
      ELSE p.parts = 4 AND p.person ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
    END
$$;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "ref_purpose" text;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "ref_ticket_id" uuid;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "ref_user_id" uuid;--> statement-breakpoint
UPDATE "deliveries"
  SET ("ref_purpose", "ref_ticket_id", "ref_user_id") =
    (SELECT k.purpose, k.ticket_id, k.user_id FROM pg_temp.deskmate_ref_key("ref_key") k)
  WHERE "ref_key" IS NOT NULL;--> statement-breakpoint
-- A key that does not parse leaves its delivery a message of its own.
UPDATE "deliveries" SET "ref_purpose" = NULL, "ref_ticket_id" = NULL, "ref_user_id" = NULL
  WHERE "ref_purpose" IS NULL OR "ref_ticket_id" IS NULL;--> statement-breakpoint
ALTER TABLE "deliveries" DROP COLUMN "ref_key";--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_ref_shape" CHECK (("deliveries"."ref_purpose" IS NULL AND "deliveries"."ref_ticket_id" IS NULL AND "deliveries"."ref_user_id" IS NULL)
        OR ("deliveries"."ref_purpose" = 'triage_card' AND "deliveries"."ref_ticket_id" IS NOT NULL AND "deliveries"."ref_user_id" IS NULL)
        OR ("deliveries"."ref_purpose" IN ('dm_thread', 'email_thread') AND "deliveries"."ref_ticket_id" IS NOT NULL AND "deliveries"."ref_user_id" IS NOT NULL));--> statement-breakpoint
ALTER TABLE "message_refs" DROP CONSTRAINT "message_refs_pkey";--> statement-breakpoint
ALTER TABLE "message_refs" ADD COLUMN "id" uuid DEFAULT gen_random_uuid() NOT NULL;--> statement-breakpoint
ALTER TABLE "message_refs" ADD COLUMN "provider" text;--> statement-breakpoint
ALTER TABLE "message_refs" ADD COLUMN "purpose" text;--> statement-breakpoint
ALTER TABLE "message_refs" ADD COLUMN "ticket_id" uuid;--> statement-breakpoint
ALTER TABLE "message_refs" ADD COLUMN "user_id" uuid;--> statement-breakpoint
ALTER TABLE "message_refs" ADD COLUMN "visibility" "visibility";--> statement-breakpoint
ALTER TABLE "message_refs" ADD COLUMN "conversation_id" text;--> statement-breakpoint
ALTER TABLE "message_refs" ADD COLUMN "message_id" text;--> statement-breakpoint
ALTER TABLE "message_refs" ADD COLUMN "data" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
UPDATE "message_refs"
  SET ("purpose", "ticket_id", "user_id") =
      (SELECT k.purpose, k.ticket_id, k.user_id FROM pg_temp.deskmate_ref_key("ref_key") k),
    "provider" = "channel",
    "conversation_id" = "ref"->>'conversation',
    "message_id" = "ref"->>'message',
    "data" = CASE WHEN jsonb_typeof("ref") = 'object' THEN "ref" - 'conversation' - 'message' ELSE '{}'::jsonb END;--> statement-breakpoint
UPDATE "message_refs"
  SET "visibility" = CASE "purpose" WHEN 'triage_card' THEN 'internal'::"visibility" WHEN 'dm_thread' THEN 'public'::"visibility" END;--> statement-breakpoint
DELETE FROM "message_refs" m
  WHERE m."purpose" IS NULL OR m."ticket_id" IS NULL OR m."conversation_id" IS NULL OR m."message_id" IS NULL
    OR m."provider" NOT IN ('slack', 'teams', 'email')
    OR (m."purpose" = 'email_thread') <> (m."provider" = 'email')
    OR NOT EXISTS (SELECT 1 FROM "tickets" t WHERE t."id" = m."ticket_id")
    OR (m."user_id" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "users" u WHERE u."id" = m."user_id"));--> statement-breakpoint
DROP FUNCTION pg_temp.deskmate_ref_key(text);--> statement-breakpoint
ALTER TABLE "message_refs" DROP COLUMN "ref_key";--> statement-breakpoint
ALTER TABLE "message_refs" DROP COLUMN "channel";--> statement-breakpoint
ALTER TABLE "message_refs" DROP COLUMN "ref";--> statement-breakpoint
ALTER TABLE "message_refs" ALTER COLUMN "provider" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "message_refs" ALTER COLUMN "purpose" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "message_refs" ALTER COLUMN "ticket_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "message_refs" ALTER COLUMN "conversation_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "message_refs" ALTER COLUMN "message_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "message_refs" ADD PRIMARY KEY ("id");--> statement-breakpoint
ALTER TABLE "message_refs" ADD CONSTRAINT "message_refs_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_refs" ADD CONSTRAINT "message_refs_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "message_refs_card_idx" ON "message_refs" USING btree ("provider","purpose","ticket_id") WHERE "message_refs"."user_id" IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "message_refs_person_idx" ON "message_refs" USING btree ("provider","purpose","ticket_id","user_id") WHERE "message_refs"."user_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "message_refs_message_idx" ON "message_refs" USING btree ("provider","conversation_id","message_id");--> statement-breakpoint
ALTER TABLE "message_refs" ADD CONSTRAINT "message_refs_provider" CHECK ("message_refs"."provider" IN ('slack', 'teams', 'email'));--> statement-breakpoint
ALTER TABLE "message_refs" ADD CONSTRAINT "message_refs_purpose_shape" CHECK (("message_refs"."purpose" = 'triage_card' AND "message_refs"."user_id" IS NULL AND "message_refs"."visibility" = 'internal')
        OR ("message_refs"."purpose" = 'dm_thread' AND "message_refs"."user_id" IS NOT NULL AND "message_refs"."visibility" = 'public')
        OR ("message_refs"."purpose" = 'email_thread' AND "message_refs"."provider" = 'email' AND "message_refs"."user_id" IS NOT NULL AND "message_refs"."visibility" IS NULL));
