ALTER TABLE "incidents" ADD COLUMN "resolved_by" uuid;--> statement-breakpoint
ALTER TABLE "websites" ADD COLUMN "resumed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_resolved_by_users_id_fk" FOREIGN KEY ("resolved_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;