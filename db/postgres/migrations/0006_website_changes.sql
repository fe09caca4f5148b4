CREATE TABLE "website_changes" (
	"website_id" uuid NOT NULL,
	"xid" "xid8" DEFAULT pg_current_xact_id() NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "website_changes_xid_idx" ON "website_changes" USING btree ("xid");--> statement-breakpoint
-- Written by hand (drizzle-kit has no triggers): every statement that inserts, updates or
-- deletes checked websites records their ids, whoever runs it. Heartbeat monitors are
-- left out: the publisher never schedules them, and every beat updates their row.
CREATE FUNCTION "record_website_changes"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "website_changes" ("website_id")
    SELECT "id" FROM "changed" WHERE "type" <> 'heartbeat';
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "websites_inserted" AFTER INSERT ON "websites"
  REFERENCING NEW TABLE AS "changed" FOR EACH STATEMENT EXECUTE FUNCTION "record_website_changes"();
--> statement-breakpoint
CREATE TRIGGER "websites_updated" AFTER UPDATE ON "websites"
  REFERENCING NEW TABLE AS "changed" FOR EACH STATEMENT EXECUTE FUNCTION "record_website_changes"();
--> statement-breakpoint
CREATE TRIGGER "websites_deleted" AFTER DELETE ON "websites"
  REFERENCING OLD TABLE AS "changed" FOR EACH STATEMENT EXECUTE FUNCTION "record_website_changes"();
