ALTER TABLE "websites" ADD COLUMN "json_path" text;--> statement-breakpoint
ALTER TABLE "websites" ADD COLUMN "json_expected" text;