ALTER TABLE "account_invitations" ADD COLUMN "role" text DEFAULT 'member' NOT NULL;--> statement-breakpoint
ALTER TABLE "account_members" ADD COLUMN "role" text DEFAULT 'member' NOT NULL;