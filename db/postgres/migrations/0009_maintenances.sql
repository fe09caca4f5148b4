CREATE TABLE "maintenance_websites" (
	"maintenance_id" uuid NOT NULL,
	"website_id" uuid NOT NULL,
	CONSTRAINT "maintenance_websites_maintenance_id_website_id_pk" PRIMARY KEY("maintenance_id","website_id")
);
--> statement-breakpoint
CREATE TABLE "maintenances" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_id" uuid NOT NULL,
	"title" text NOT NULL,
	"message" text DEFAULT '' NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "maintenance_websites" ADD CONSTRAINT "maintenance_websites_maintenance_id_maintenances_id_fk" FOREIGN KEY ("maintenance_id") REFERENCES "public"."maintenances"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "maintenance_websites" ADD CONSTRAINT "maintenance_websites_website_id_websites_id_fk" FOREIGN KEY ("website_id") REFERENCES "public"."websites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "maintenances" ADD CONSTRAINT "maintenances_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "maintenance_websites_website_id_idx" ON "maintenance_websites" USING btree ("website_id");--> statement-breakpoint
CREATE INDEX "maintenances_owner_ends_idx" ON "maintenances" USING btree ("owner_id","ends_at");