-- Written by hand: the triggers of 0006 also wake the publishers and workers (NOTIFY
-- website_changes), so a leader reads the changes when there are some instead of once a
-- second, and a worker knows when what it keeps of websites (worker/active_websites.ts)
-- is out of date; so do changes to maintenance windows and their websites.
CREATE OR REPLACE FUNCTION "record_website_changes"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  "recorded" bigint;
BEGIN
  INSERT INTO "website_changes" ("website_id")
    SELECT "id" FROM "changed" WHERE "type" <> 'heartbeat';
  GET DIAGNOSTICS "recorded" = ROW_COUNT;
  IF "recorded" > 0 THEN
    PERFORM pg_notify('website_changes', '');
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE FUNCTION "notify_website_changes"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('website_changes', '');
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "maintenances_changed" AFTER INSERT OR UPDATE OR DELETE ON "maintenances"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_website_changes"();
--> statement-breakpoint
CREATE TRIGGER "maintenance_websites_changed" AFTER INSERT OR UPDATE OR DELETE ON "maintenance_websites"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_website_changes"();
