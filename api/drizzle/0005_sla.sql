CREATE TABLE "sla_calendars" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"time_zone" text NOT NULL,
	"weekly" jsonb NOT NULL,
	"holidays" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sla_escalations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ticket_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"level" integer NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sla_policies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"priority" "ticket_priority" NOT NULL,
	"group_id" uuid,
	"category" text,
	"calendar_id" uuid NOT NULL,
	"first_response_minutes" integer NOT NULL,
	"resolution_minutes" integer NOT NULL,
	"warning_percent" integer DEFAULT 75 NOT NULL,
	"escalation" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sla_policies_targets" CHECK ("sla_policies"."first_response_minutes" > 0 AND "sla_policies"."resolution_minutes" > 0),
	CONSTRAINT "sla_policies_warning" CHECK ("sla_policies"."warning_percent" BETWEEN 1 AND 99)
);
--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "sla_policy_id" uuid;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "sla_policy_version" integer;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "sla_calendar_id" uuid;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "sla_next_action_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "first_response_target_ms" bigint;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "first_response_consumed_ms" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "first_response_running_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "first_response_warn_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "first_response_warned_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "first_response_breached_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "first_response_reminded" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "resolution_target_ms" bigint;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "resolution_consumed_ms" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "resolution_running_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "resolution_warn_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "resolution_warned_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "resolution_breached_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "resolution_reminded" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "pending_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "pending_reminded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sla_escalations" ADD CONSTRAINT "sla_escalations_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_policies" ADD CONSTRAINT "sla_policies_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_policies" ADD CONSTRAINT "sla_policies_calendar_id_sla_calendars_id_fk" FOREIGN KEY ("calendar_id") REFERENCES "public"."sla_calendars"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "sla_calendars_name_lower_idx" ON "sla_calendars" USING btree (lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX "sla_escalations_action_idx" ON "sla_escalations" USING btree ("ticket_id","kind","level");--> statement-breakpoint
CREATE INDEX "sla_escalations_at_idx" ON "sla_escalations" USING btree ("at");--> statement-breakpoint
CREATE UNIQUE INDEX "sla_policies_scope_idx" ON "sla_policies" USING btree ("priority",coalesce("group_id"::text, ''),coalesce("category", '')) WHERE "sla_policies"."active";--> statement-breakpoint
CREATE INDEX "tickets_sla_next_action_idx" ON "tickets" USING btree ("sla_next_action_at") WHERE "tickets"."sla_next_action_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "tickets_first_response_reminder_idx" ON "tickets" USING btree ("first_response_due_at") WHERE "tickets"."first_response_running_since" IS NOT NULL AND NOT "tickets"."first_response_reminded" AND "tickets"."assignee_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "tickets_resolution_reminder_idx" ON "tickets" USING btree ("resolution_due_at") WHERE "tickets"."resolution_running_since" IS NOT NULL AND NOT "tickets"."resolution_reminded" AND "tickets"."assignee_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "tickets_resolved_at_idx" ON "tickets" USING btree ("resolved_at") WHERE "tickets"."status" = 'resolved';--> statement-breakpoint
CREATE INDEX "tickets_pending_since_idx" ON "tickets" USING btree ("pending_since") WHERE "tickets"."pending_since" IS NOT NULL;--> statement-breakpoint
-- Defaults, seeded once with the schema (never again: an admin's edits and deletions stand).
-- A "business day" in the targets is the default calendar's working day, 8 hours.
INSERT INTO "sla_calendars" ("id", "name", "time_zone", "weekly", "holidays") VALUES
  ('5ca1e000-0000-4000-8000-000000000001', 'Business hours', 'Europe/London',
   '{"mon":[{"start":"09:00","end":"17:00"}],"tue":[{"start":"09:00","end":"17:00"}],"wed":[{"start":"09:00","end":"17:00"}],"thu":[{"start":"09:00","end":"17:00"}],"fri":[{"start":"09:00","end":"17:00"}],"sat":[],"sun":[]}',
   '[]'),
  ('5ca1e000-0000-4000-8000-000000000002', '24/7', 'UTC',
   '{"mon":[{"start":"00:00","end":"24:00"}],"tue":[{"start":"00:00","end":"24:00"}],"wed":[{"start":"00:00","end":"24:00"}],"thu":[{"start":"00:00","end":"24:00"}],"fri":[{"start":"00:00","end":"24:00"}],"sat":[{"start":"00:00","end":"24:00"}],"sun":[{"start":"00:00","end":"24:00"}]}',
   '[]');
--> statement-breakpoint
INSERT INTO "sla_policies" ("id", "name", "priority", "calendar_id", "first_response_minutes", "resolution_minutes", "warning_percent", "escalation") VALUES
  ('5e1a0000-0000-4000-8000-000000000001', 'Urgent', 'urgent', '5ca1e000-0000-4000-8000-000000000001', 30, 240, 75, '{"notifyAssignee":true,"notifyGroup":true,"notifyTriage":true,"raisePriority":true}'),
  ('5e1a0000-0000-4000-8000-000000000002', 'High', 'high', '5ca1e000-0000-4000-8000-000000000001', 120, 480, 75, '{"notifyAssignee":true,"notifyGroup":true,"notifyTriage":true,"raisePriority":true}'),
  ('5e1a0000-0000-4000-8000-000000000003', 'Medium', 'medium', '5ca1e000-0000-4000-8000-000000000001', 480, 1440, 75, '{"notifyAssignee":true,"notifyGroup":true,"notifyTriage":true,"raisePriority":true}'),
  ('5e1a0000-0000-4000-8000-000000000004', 'Low', 'low', '5ca1e000-0000-4000-8000-000000000001', 480, 2400, 75, '{"notifyAssignee":true,"notifyGroup":true,"notifyTriage":true,"raisePriority":true}');
