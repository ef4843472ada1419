CREATE TABLE "classifier_models" (
	"version" serial PRIMARY KEY NOT NULL,
	"fingerprint" text NOT NULL,
	"examples_hash" text NOT NULL,
	"examples" jsonb NOT NULL,
	"corrections" integer NOT NULL,
	"model" jsonb NOT NULL,
	"reason" text NOT NULL,
	"requested_by" uuid,
	"trained_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "classifier_predictions" (
	"ticket_id" uuid PRIMARY KEY NOT NULL,
	"text" text NOT NULL,
	"priority" text NOT NULL,
	"category" text NOT NULL,
	"priority_used" boolean NOT NULL,
	"category_used" boolean NOT NULL,
	"model_version" integer,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "classifier_feedback" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "kb_articles" ADD COLUMN "source_path" text;--> statement-breakpoint
ALTER TABLE "classifier_predictions" ADD CONSTRAINT "classifier_predictions_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "classifier_predictions_created_idx" ON "classifier_predictions" USING btree ("created_at");--> statement-breakpoint
UPDATE "classifier_feedback" SET "updated_at" = "created_at";--> statement-breakpoint
-- One row per ticket and field from now on: keep the latest correction of each.
DELETE FROM "classifier_feedback" f USING "classifier_feedback" g
  WHERE f."ticket_id" = g."ticket_id" AND f."field" = g."field"
    AND (f."created_at", f."id") < (g."created_at", g."id");--> statement-breakpoint
CREATE UNIQUE INDEX "classifier_feedback_ticket_field_idx" ON "classifier_feedback" USING btree ("ticket_id","field");--> statement-breakpoint
CREATE INDEX "kb_articles_source_path_idx" ON "kb_articles" USING btree ("source_path");