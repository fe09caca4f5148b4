ALTER TABLE "maintenances" ADD COLUMN "series_id" uuid;--> statement-breakpoint
ALTER TABLE "maintenances" ADD COLUMN "repeat_every" text;--> statement-breakpoint
ALTER TABLE "maintenances" ADD COLUMN "series_index" integer;--> statement-breakpoint
ALTER TABLE "maintenances" ADD COLUMN "series_size" integer;--> statement-breakpoint
CREATE INDEX "maintenances_series_idx" ON "maintenances" USING btree ("series_id");