CREATE TABLE "certificate_alerts" (
	"website_id" uuid PRIMARY KEY NOT NULL,
	"expires_on" date NOT NULL,
	"alerted_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "certificate_alerts" ADD CONSTRAINT "certificate_alerts_website_id_websites_id_fk" FOREIGN KEY ("website_id") REFERENCES "public"."websites"("id") ON DELETE cascade ON UPDATE no action;