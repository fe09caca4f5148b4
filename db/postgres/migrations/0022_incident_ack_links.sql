CREATE TABLE "incident_ack_links" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"incident_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "acknowledged_via" text;--> statement-breakpoint
ALTER TABLE "incident_ack_links" ADD CONSTRAINT "incident_ack_links_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "incident_ack_links_incident_idx" ON "incident_ack_links" USING btree ("incident_id");