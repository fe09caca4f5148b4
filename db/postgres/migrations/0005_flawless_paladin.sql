CREATE INDEX "region_states_failing_idx" ON "region_states" USING btree ("website_id") WHERE "region_states"."failing";--> statement-breakpoint
ALTER TABLE "region_states" SET (fillfactor = 50);