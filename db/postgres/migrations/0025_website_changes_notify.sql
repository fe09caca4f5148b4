-- Written by hand: the triggers of 0006 also wake the publishers (NOTIFY website_changes),
-- so a leader reads the changes when there are some instead of once a second.
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
