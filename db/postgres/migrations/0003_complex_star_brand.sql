ALTER TABLE "websites" ADD COLUMN "type" text DEFAULT 'http' NOT NULL;--> statement-breakpoint
ALTER TABLE "websites" ADD COLUMN "forbidden_keyword" text;--> statement-breakpoint
ALTER TABLE "websites" ADD COLUMN "degraded_ms" integer;--> statement-breakpoint
ALTER TABLE "websites" ADD COLUMN "cert_expiry_warn_days" integer;--> statement-breakpoint
ALTER TABLE "websites" ADD COLUMN "heartbeat_token" text;--> statement-breakpoint
ALTER TABLE "websites" ADD COLUMN "heartbeat_grace_seconds" integer;--> statement-breakpoint
ALTER TABLE "websites" ADD COLUMN "last_heartbeat_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "websites" ADD CONSTRAINT "websites_heartbeat_token_unique" UNIQUE("heartbeat_token");