DROP INDEX "status_domains_hostname_idx";--> statement-breakpoint
ALTER TABLE "status_domains" ADD COLUMN "verification_token" text DEFAULT replace(gen_random_uuid()::text, '-', '') NOT NULL;--> statement-breakpoint
ALTER TABLE "status_domains" ADD COLUMN "verified_at" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "status_domains_verified_hostname_idx" ON "status_domains" USING btree ("hostname") WHERE "status_domains"."verified_at" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "status_domains_page_hostname_idx" ON "status_domains" USING btree ("status_page_id","hostname");--> statement-breakpoint
CREATE INDEX "status_domains_hostname_idx" ON "status_domains" USING btree ("hostname");