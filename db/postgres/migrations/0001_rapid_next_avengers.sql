CREATE TYPE "public"."quorum" AS ENUM('any', 'half', 'all');--> statement-breakpoint
CREATE TABLE "incident_outbox" (
	"id" text PRIMARY KEY NOT NULL,
	"event" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "incidents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"website_id" uuid NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"resolved_at" timestamp with time zone,
	"cause_error_kind" text NOT NULL,
	"cause_error_message" text NOT NULL,
	"cause_http_status" integer NOT NULL,
	"regions" text[] NOT NULL,
	"total_regions" integer NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "region_states" (
	"website_id" uuid NOT NULL,
	"region" text NOT NULL,
	"last_slot" bigint NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"successes" integer DEFAULT 0 NOT NULL,
	"failing" boolean DEFAULT false NOT NULL,
	"streak_started_at" timestamp with time zone,
	"streak_error_kind" text,
	"streak_error_message" text,
	"streak_http_status" integer,
	CONSTRAINT "region_states_website_id_region_pk" PRIMARY KEY("website_id","region")
);
--> statement-breakpoint
ALTER TABLE "websites" ADD COLUMN "confirmations" integer DEFAULT 2 NOT NULL;--> statement-breakpoint
ALTER TABLE "websites" ADD COLUMN "quorum" "quorum" DEFAULT 'half' NOT NULL;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_website_id_websites_id_fk" FOREIGN KEY ("website_id") REFERENCES "public"."websites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_acknowledged_by_users_id_fk" FOREIGN KEY ("acknowledged_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "region_states" ADD CONSTRAINT "region_states_website_id_websites_id_fk" FOREIGN KEY ("website_id") REFERENCES "public"."websites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "incidents_website_started_idx" ON "incidents" USING btree ("website_id","started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "incidents_one_open_idx" ON "incidents" USING btree ("website_id") WHERE "incidents"."resolved_at" is null;