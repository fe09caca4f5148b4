ALTER TABLE "incidents" ADD COLUMN "escalated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "websites" ADD COLUMN "escalate_after_minutes" integer;--> statement-breakpoint
ALTER TABLE "websites" ADD COLUMN "escalation_channel_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL;