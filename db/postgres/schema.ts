/** Postgres holds configuration: who owns what, and what to check. Metrics live in ClickHouse. */
import { sql } from "drizzle-orm";
import {
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp("updated_at", { withTimezone: true }).notNull().defaultNow();

export const users = pgTable("users", {
  id: uuid("id").primaryKey().defaultRandom(),
  /** Normalised (trimmed, lower-case) before it is stored, so uniqueness is real. */
  email: text("email").notNull().unique(),
  name: text("name"),
  passwordHash: text("password_hash").notNull(),
  createdAt: createdAt(),
});

export const sessions = pgTable("sessions", {
  /** SHA-256 of the cookie token: a leaked table does not leak sessions. */
  tokenHash: text("token_hash").primaryKey(),
  userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  createdAt: createdAt(),
  lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
}, (t) => [index("sessions_user_id_idx").on(t.userId)]);

export const websites = pgTable("websites", {
  id: uuid("id").primaryKey().defaultRandom(),
  ownerId: uuid("owner_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  url: text("url").notNull(),
  name: text("name"),
  method: text("method").notNull().default("GET"),
  headers: jsonb("headers").$type<Record<string, string>>().notNull().default({}),
  body: text("body"),
  /** Null: the deployment's default (`PUBLISH_INTERVAL_MS`). */
  intervalSeconds: integer("interval_seconds"),
  /** Null: the deployment's default (`CHECK_TIMEOUT_MS`). */
  timeoutMs: integer("timeout_ms"),
  regions: text("regions").array().notNull(),
  /** Null: any 2xx or 3xx answer counts as up. */
  expectedStatus: integer("expected_status"),
  keyword: text("keyword"),
  active: boolean("active").notNull().default(true),
  /** When the publisher enqueues this website next; it finds due websites by this alone. */
  nextCheckAt: timestamp("next_check_at", { withTimezone: true }).notNull().defaultNow(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [
  index("websites_owner_id_idx").on(t.ownerId),
  index("websites_due_idx").on(t.nextCheckAt).where(sql`${t.active}`),
]);

export const statusPages = pgTable("status_pages", {
  id: uuid("id").primaryKey().defaultRandom(),
  ownerId: uuid("owner_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  slug: text("slug").notNull().unique(),
  title: text("title").notNull(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [index("status_pages_owner_id_idx").on(t.ownerId)]);

export const statusPageWebsites = pgTable("status_page_websites", {
  statusPageId: uuid("status_page_id").notNull()
    .references(() => statusPages.id, { onDelete: "cascade" }),
  websiteId: uuid("website_id").notNull().references(() => websites.id, { onDelete: "cascade" }),
  position: integer("position").notNull().default(0),
  /** The public page shows a monitor's URL only when its owner chose to. */
  showUrl: boolean("show_url").notNull().default(false),
}, (t) => [
  primaryKey({ columns: [t.statusPageId, t.websiteId] }),
  index("status_page_websites_website_id_idx").on(t.websiteId),
]);

export const certificateState = pgEnum("certificate_state", [
  "manual",
  "pending",
  "issued",
  "failed",
]);

export const statusDomains = pgTable("status_domains", {
  id: uuid("id").primaryKey().defaultRandom(),
  statusPageId: uuid("status_page_id").notNull()
    .references(() => statusPages.id, { onDelete: "cascade" }),
  /** Lower-case, without a trailing dot; unique across every page. */
  hostname: text("hostname").notNull(),
  certificateState: certificateState("certificate_state").notNull().default("manual"),
  lastCheckedAt: timestamp("last_checked_at", { withTimezone: true }),
  createdAt: createdAt(),
}, (t) => [
  uniqueIndex("status_domains_hostname_idx").on(t.hostname),
  index("status_domains_status_page_id_idx").on(t.statusPageId),
]);
