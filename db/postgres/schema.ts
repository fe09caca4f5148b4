/** Postgres holds configuration: who owns what, and what to check. Metrics live in ClickHouse. */
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  customType,
  date,
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
  /** The team the session works in; null: the user's own. */
  accountId: uuid("account_id").references(() => users.id, { onDelete: "set null" }),
  createdAt: createdAt(),
  lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
}, (t) => [index("sessions_user_id_idx").on(t.userId)]);

/**
 * Two-factor authentication (TOTP, RFC 6238) of a user: the shared secret (base32), set up
 * when `enabled_at` is set; before that, a setup waiting for its first code. `last_step`
 * is the time step of the last code accepted, so a code works once.
 */
export const twoFactor = pgTable("two_factor", {
  userId: uuid("user_id").primaryKey().references(() => users.id, { onDelete: "cascade" }),
  secret: text("secret").notNull(),
  enabledAt: timestamp("enabled_at", { withTimezone: true }),
  lastStep: bigint("last_step", { mode: "number" }).notNull().default(0),
  createdAt: createdAt(),
});

/** One-use codes for signing in without the authenticator app: their SHA-256 only. */
export const recoveryCodes = pgTable("recovery_codes", {
  userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  codeHash: text("code_hash").notNull(),
  createdAt: createdAt(),
}, (t) => [primaryKey({ columns: [t.userId, t.codeHash] })]);

/**
 * A login waiting for its second factor: the password was right; the code is asked next.
 * Only the token's SHA-256 (its cookie holds the token); 10 minutes, 5 wrong codes.
 */
export const loginChallenges = pgTable("login_challenges", {
  tokenHash: text("token_hash").primaryKey(),
  userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  attempts: integer("attempts").notNull().default(0),
  createdAt: createdAt(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
});

/**
 * Links that let a person who forgot their password choose a new one: only the token's
 * SHA-256 is kept. One use, an hour long; a password change ends them all.
 */
export const passwordResets = pgTable("password_resets", {
  tokenHash: text("token_hash").primaryKey(),
  userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  createdAt: createdAt(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
}, (t) => [index("password_resets_user_id_idx").on(t.userId)]);

/**
 * Mails about an account (a password reset link, an invitation to its team), queued and
 * sent like {@link subscriberMails}. A body that held a secret is emptied once the mail is
 * settled.
 */
export const accountMails = pgTable("account_mails", {
  id: uuid("id").primaryKey().defaultRandom(),
  /** The account the mail is about: the one whose password, or the inviting team's. */
  userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  /** The recipient's address as it was when the mail was queued. */
  email: text("email").notNull(),
  /** Not tried after this: when the link it carries stops working. */
  giveUpAt: timestamp("give_up_at", { withTimezone: true }).notNull(),
  subject: text("subject").notNull(),
  body: text("body").notNull(),
  /** `pending`, `sent` or `failed` (given up). */
  status: text("status").notNull().default("pending"),
  attempts: integer("attempts").notNull().default(0),
  lastError: text("last_error"),
  nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
  sentAt: timestamp("sent_at", { withTimezone: true }),
  createdAt: createdAt(),
}, (t) => [
  index("account_mails_due_idx").on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
]);

/**
 * The members of a team besides its owner. A team is an account: its owner's user id is
 * the `owner_id` of everything in it, and each member acts on all of it as the owner does,
 * except managing the team.
 */
export const accountMembers = pgTable("account_members", {
  accountId: uuid("account_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  /** `member`: all the owner does but manage the team; `viewer`: look, change nothing. */
  role: text("role").$type<MemberRole>().notNull().default("member"),
  createdAt: createdAt(),
}, (t) => [
  primaryKey({ columns: [t.accountId, t.userId] }),
  index("account_members_user_id_idx").on(t.userId),
]);

export type MemberRole = "member" | "viewer";

/** Invitations to join a team: only the link's SHA-256 is kept. One use, 7 days long. */
export const accountInvitations = pgTable("account_invitations", {
  tokenHash: text("token_hash").primaryKey(),
  accountId: uuid("account_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  /** Whom it was sent to, as the owner typed it; whoever opens the link may accept it. */
  email: text("email").notNull(),
  /** The role its taker gets. */
  role: text("role").$type<MemberRole>().notNull().default("member"),
  createdAt: createdAt(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
}, (t) => [uniqueIndex("account_invitations_account_email_idx").on(t.accountId, t.email)]);

/**
 * API tokens: a script's way in (`Authorization: Bearer upt_…`), with the account's rights
 * but not its sign-in details. Only the token's SHA-256 is kept, and its first characters to
 * tell tokens apart.
 */
export const apiTokens = pgTable("api_tokens", {
  id: uuid("id").primaryKey().defaultRandom(),
  userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  /** The team the token acts in (it ends when its user leaves it); null: the user's own. */
  accountId: uuid("account_id").references(() => users.id, { onDelete: "cascade" }),
  name: text("name").notNull(),
  tokenHash: text("token_hash").notNull().unique(),
  /** "upt_Ab3d": shown in the list. */
  prefix: text("prefix").notNull(),
  createdAt: createdAt(),
  lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
  /** From then on it is refused (and listed as expired until revoked); null: never. */
  expiresAt: timestamp("expires_at", { withTimezone: true }),
  /** Queries only: every mutation with it is refused. */
  readOnly: boolean("read_only").notNull().default(false),
}, (t) => [index("api_tokens_user_id_idx").on(t.userId)]);

/** How many regions must be failing for a monitor to be down: one, at least half, or all. */
export const quorum = pgEnum("quorum", ["any", "half", "all"]);

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
  /** Channels alerted about this monitor's incidents; null: every channel of the owner, new ones included. */
  notificationChannelIds: uuid("notification_channel_ids").array(),
  /** "http", "tcp" (url is tcp://host:port), "dns" (url is dns://server/name?type=T) or "heartbeat" (the job calls us). */
  type: text("type").$type<"http" | "tcp" | "dns" | "heartbeat">().notNull().default("http"),
  /** Down when the body holds this ("must not contain"). */
  forbiddenKeyword: text("forbidden_keyword"),
  /** Down unless the answer is JSON with something at this path (lib/json_assertion.ts). */
  jsonPath: text("json_path"),
  /** What must be at `jsonPath`; null: anything but null or false. */
  jsonExpected: text("json_expected"),
  /** Labels the team files the monitor under ("production", "eu"); the monitors table filters by them. */
  tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
  /** An up check slower than this is degraded. Null: never. */
  degradedMs: integer("degraded_ms"),
  /**
   * This many days before its TLS certificate expires, the monitor's page warns and an
   * alert goes to its channels (certificate_alerts). Null: 14.
   */
  certExpiryWarnDays: integer("cert_expiry_warn_days"),
  /** A heartbeat monitor's secret ping token (`/api/heartbeat/<token>`). */
  heartbeatToken: text("heartbeat_token").unique(),
  /** Extra time after the period before a missing beat counts. Null: 0. */
  heartbeatGraceSeconds: integer("heartbeat_grace_seconds"),
  lastHeartbeatAt: timestamp("last_heartbeat_at", { withTimezone: true }),
  active: boolean("active").notNull().default(true),
  /** When it was last resumed after a pause: no run of results ("up since") reaches back past it. */
  resumedAt: timestamp("resumed_at", { withTimezone: true }),
  /** Consecutive failed (or successful) checks after which a region is failing (recovered). */
  confirmations: integer("confirmations").notNull().default(2),
  quorum: quorum("quorum").notNull().default("half"),
  /**
   * While an incident of the monitor is open and nobody has acknowledged it, its channels
   * are reminded this often (services/incidents/reminders.ts). Null: never.
   */
  remindEveryMinutes: integer("remind_every_minutes"),
  /**
   * When an incident of the monitor is still open and unacknowledged this long after it
   * opened, `escalationChannelIds` are alerted as well, once
   * (services/incidents/escalations.ts). Null: never.
   */
  escalateAfterMinutes: integer("escalate_after_minutes"),
  /** The channels an escalation alerts; they hear the incident's reminders and end too. */
  escalationChannelIds: uuid("escalation_channel_ids").array().notNull()
    .default(sql`'{}'::uuid[]`),
  /**
   * When the website is due, as the web last set it: now() when it is created, resumed or
   * rescheduled (a new URL or interval), so it is checked at once. The publisher keeps the
   * schedule from there in memory (publisher/schedule.ts) and never writes it. For a
   * heartbeat monitor: when a missing beat makes it down.
   */
  nextCheckAt: timestamp("next_check_at", { withTimezone: true }).notNull().defaultNow(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [
  index("websites_owner_id_idx").on(t.ownerId),
  index("websites_due_idx").on(t.nextCheckAt).where(sql`${t.active}`),
]);

/** A transaction id that never wraps around, as `pg_current_xact_id()` returns it. */
const xid8 = customType<{ data: string }>({ dataType: () => "xid8" });
const bytea = customType<{ data: Uint8Array }>({ dataType: () => "bytea" });

/**
 * Which checked websites changed (inserted, updated or deleted), written by statement
 * triggers on `websites` (migration 0006) whoever writes: the publisher keeps its schedule
 * in memory and reads here which websites to read again (publisher/schedule.ts). The
 * leading publisher deletes rows older than ten minutes.
 */
export const websiteChanges = pgTable("website_changes", {
  websiteId: uuid("website_id").notNull(),
  /** The writing transaction; a reader knows from its snapshot which ones it has seen. */
  xid: xid8("xid").notNull().default(sql`pg_current_xact_id()`),
  at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index("website_changes_xid_idx").on(t.xid)]);

export const statusPages = pgTable("status_pages", {
  id: uuid("id").primaryKey().defaultRandom(),
  ownerId: uuid("owner_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  slug: text("slug").notNull().unique(),
  title: text("title").notNull(),
  /** Whether visitors may subscribe to its incidents by email. */
  subscriptions: boolean("subscriptions").notNull().default(false),
  /** Plain text under the title; "" for none. */
  description: text("description").notNull().default(""),
  /** The owner's own site, linked from the page's header. */
  homepageUrl: text("homepage_url"),
  /** A private page's visitor password (scrypt, services/users/password.ts); null: public. */
  passwordHash: text("password_hash"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [index("status_pages_owner_id_idx").on(t.ownerId)]);

/** A page's logo, apart from the page's row so that reading a page never reads the image. */
export const statusPageLogos = pgTable("status_page_logos", {
  statusPageId: uuid("status_page_id").primaryKey()
    .references(() => statusPages.id, { onDelete: "cascade" }),
  /** Taken from the image's own bytes, never from what the browser said. */
  contentType: text("content_type").notNull(),
  image: bytea("image").notNull(),
  /** A hash of the image: its ETag, and the version in the page's link to it. */
  etag: text("etag").notNull(),
  updatedAt: updatedAt(),
});

export const statusPageWebsites = pgTable("status_page_websites", {
  statusPageId: uuid("status_page_id").notNull()
    .references(() => statusPages.id, { onDelete: "cascade" }),
  websiteId: uuid("website_id").notNull().references(() => websites.id, { onDelete: "cascade" }),
  position: integer("position").notNull().default(0),
  /** The public page shows a monitor's URL only when its owner chose to. */
  showUrl: boolean("show_url").notNull().default(false),
  /**
   * The heading the page shows it under ("API", "Website"): one above each run of
   * consecutive monitors of the same section. "" for none.
   */
  section: text("section").notNull().default(""),
}, (t) => [
  primaryKey({ columns: [t.statusPageId, t.websiteId] }),
  index("status_page_websites_website_id_idx").on(t.websiteId),
]);

/**
 * A visitor who asked a status page for its incidents by email. Mails other than the
 * confirmation go only to confirmed addresses; unsubscribing deletes the row.
 */
export const statusPageSubscribers = pgTable("status_page_subscribers", {
  id: uuid("id").primaryKey().defaultRandom(),
  statusPageId: uuid("status_page_id").notNull()
    .references(() => statusPages.id, { onDelete: "cascade" }),
  /** Trimmed and lower-case. */
  email: text("email").notNull(),
  /** In the links of its mails: confirms or ends this subscription, and nothing else. */
  token: text("token").notNull().unique(),
  confirmedAt: timestamp("confirmed_at", { withTimezone: true }),
  /** When the last confirmation mail was queued. */
  confirmSentAt: timestamp("confirm_sent_at", { withTimezone: true }),
  /**
   * The monitors of the page it is mailed about; null: all of them, ones added later too.
   * Ids of monitors the page no longer shows are kept, and match nothing.
   */
  websiteIds: uuid("website_ids").array(),
  createdAt: createdAt(),
}, (t) => [uniqueIndex("status_page_subscribers_page_email_idx").on(t.statusPageId, t.email)]);

/**
 * Mails to subscribers, written when queued and sent by the notification dispatcher.
 * Unique per (subscriber, key): a repeated event mails nobody twice.
 */
export const subscriberMails = pgTable("subscriber_mails", {
  id: uuid("id").primaryKey().defaultRandom(),
  subscriberId: uuid("subscriber_id").notNull()
    .references(() => statusPageSubscribers.id, { onDelete: "cascade" }),
  /** `confirm:<epoch ms>`, `<incidentId>:opened|resolved` or `update:<update id>`. */
  key: text("key").notNull(),
  subject: text("subject").notNull(),
  body: text("body").notNull(),
  /** The subscription's one-click unsubscribe address (RFC 8058). */
  unsubscribeUrl: text("unsubscribe_url").notNull(),
  /** `pending`, `sent` or `failed` (given up). */
  status: text("status").notNull().default("pending"),
  attempts: integer("attempts").notNull().default(0),
  lastError: text("last_error"),
  nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
  sentAt: timestamp("sent_at", { withTimezone: true }),
  createdAt: createdAt(),
}, (t) => [
  uniqueIndex("subscriber_mails_subscriber_key_idx").on(t.subscriberId, t.key),
  index("subscriber_mails_due_idx").on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
]);

/**
 * A maintenance window: while it lasts, its monitors open no incident (so no alert goes out)
 * and status pages show them as under maintenance. Checks still run and are stored.
 */
export const maintenances = pgTable("maintenances", {
  id: uuid("id").primaryKey().defaultRandom(),
  ownerId: uuid("owner_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  title: text("title").notNull(),
  /** Shown to visitors of the status pages of its monitors; empty for none. */
  message: text("message").notNull().default(""),
  startsAt: timestamp("starts_at", { withTimezone: true }).notNull(),
  endsAt: timestamp("ends_at", { withTimezone: true }).notNull(),
  /**
   * Windows scheduled together as a repeating one ("every week, 8 times") share this id;
   * each is a window of its own, changed or cancelled alone. Null for a single window.
   */
  seriesId: uuid("series_id"),
  /** How the series repeats: "day" or "week"; null for a single window. */
  repeatEvery: text("repeat_every"),
  /** Its place in the series as scheduled ("2 of 8"), whatever was cancelled since. */
  seriesIndex: integer("series_index"),
  seriesSize: integer("series_size"),
  createdAt: createdAt(),
}, (t) => [
  index("maintenances_owner_ends_idx").on(t.ownerId, t.endsAt),
  index("maintenances_series_idx").on(t.seriesId),
]);

export const maintenanceWebsites = pgTable("maintenance_websites", {
  maintenanceId: uuid("maintenance_id").notNull()
    .references(() => maintenances.id, { onDelete: "cascade" }),
  websiteId: uuid("website_id").notNull().references(() => websites.id, { onDelete: "cascade" }),
}, (t) => [
  primaryKey({ columns: [t.maintenanceId, t.websiteId] }),
  index("maintenance_websites_website_id_idx").on(t.websiteId),
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
  /**
   * Lower-case, without a trailing dot. Several accounts may claim a hostname (a claim
   * blocks nobody); only one claim of it can be verified at a time.
   */
  hostname: text("hostname").notNull(),
  /** What the owner puts in the TXT record `_uptime.<hostname>` to prove control. */
  verificationToken: text("verification_token").notNull()
    .default(sql`replace(gen_random_uuid()::text, '-', '')`),
  /** Set once DNS showed the owner controls the hostname; only then is it served. */
  verifiedAt: timestamp("verified_at", { withTimezone: true }),
  certificateState: certificateState("certificate_state").notNull().default("manual"),
  lastCheckedAt: timestamp("last_checked_at", { withTimezone: true }),
  createdAt: createdAt(),
}, (t) => [
  uniqueIndex("status_domains_verified_hostname_idx").on(t.hostname)
    .where(sql`${t.verifiedAt} is not null`),
  uniqueIndex("status_domains_page_hostname_idx").on(t.statusPageId, t.hostname),
  index("status_domains_hostname_idx").on(t.hostname),
  index("status_domains_status_page_id_idx").on(t.statusPageId),
]);

/**
 * The incident evaluation's memory, per monitor and region: the streak of consecutive
 * results and whether the region counts as failing. `lastSlot` makes applying a result
 * idempotent: a redelivered or older slot is ignored. Most results only move `lastSlot`,
 * so the table keeps half of each page free (fillfactor 50, set in migration 0005): the
 * new row version fits on its page and no index is touched (a HOT update).
 */
export const regionStates = pgTable("region_states", {
  websiteId: uuid("website_id").notNull().references(() => websites.id, { onDelete: "cascade" }),
  region: text("region").notNull(),
  /** Epoch seconds of the newest scheduled slot applied. */
  lastSlot: bigint("last_slot", { mode: "number" }).notNull(),
  failures: integer("failures").notNull().default(0),
  successes: integer("successes").notNull().default(0),
  failing: boolean("failing").notNull().default(false),
  /** The first failure of the current streak (kept while the region is failing). */
  streakStartedAt: timestamp("streak_started_at", { withTimezone: true }),
  streakErrorKind: text("streak_error_kind"),
  streakErrorMessage: text("streak_error_message"),
  streakHttpStatus: integer("streak_http_status"),
}, (t) => [
  primaryKey({ columns: [t.websiteId, t.region] }),
  // Which monitors have a failing region: a probe per result of the settled path.
  index("region_states_failing_idx").on(t.websiteId).where(sql`${t.failing}`),
]);

export const incidents = pgTable("incidents", {
  id: uuid("id").primaryKey().defaultRandom(),
  websiteId: uuid("website_id").notNull().references(() => websites.id, { onDelete: "cascade" }),
  /** The first failing check of the outage. */
  startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
  resolvedAt: timestamp("resolved_at", { withTimezone: true }),
  causeErrorKind: text("cause_error_kind").notNull(),
  causeErrorMessage: text("cause_error_message").notNull(),
  causeHttpStatus: integer("cause_http_status").notNull(),
  /** Every region that was failing at some point of the outage. */
  regions: text("regions").array().notNull(),
  /** How many regions the monitor had when the incident opened. */
  totalRegions: integer("total_regions").notNull(),
  acknowledgedAt: timestamp("acknowledged_at", { withTimezone: true }),
  acknowledgedBy: uuid("acknowledged_by").references(() => users.id, { onDelete: "set null" }),
  /** `link`: acknowledged with an alert's Acknowledge link, by whoever had the alert. */
  acknowledgedVia: text("acknowledged_via"),
  /** Who resolved it by hand; null when its checks passed again. */
  resolvedBy: uuid("resolved_by").references(() => users.id, { onDelete: "set null" }),
  /** How many reminders its channels were sent, the last one when. */
  remindersSent: integer("reminders_sent").notNull().default(0),
  lastRemindedAt: timestamp("last_reminded_at", { withTimezone: true }),
  /** When nobody had acknowledged it in its monitor's `escalate_after_minutes`, and it escalated. */
  escalatedAt: timestamp("escalated_at", { withTimezone: true }),
  /** Who escalated it by hand ("Escalate now"); null when its time came. */
  escalatedBy: uuid("escalated_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: createdAt(),
}, (t) => [
  index("incidents_website_started_idx").on(t.websiteId, t.startedAt),
  // The database itself refuses a second open incident for one monitor.
  uniqueIndex("incidents_one_open_idx").on(t.websiteId).where(sql`${t.resolvedAt} is null`),
]);

/**
 * The Acknowledge links in an incident's alerts (services/incidents/acknowledge_link.ts):
 * each works for that incident alone, until it ends; only the link's SHA-256 is kept.
 */
export const incidentAckLinks = pgTable("incident_ack_links", {
  tokenHash: text("token_hash").primaryKey(),
  incidentId: uuid("incident_id").notNull()
    .references(() => incidents.id, { onDelete: "cascade" }),
  createdAt: createdAt(),
}, (t) => [index("incident_ack_links_incident_idx").on(t.incidentId)]);

/** What an update tells the status page's visitors of an incident, as status pages say it. */
export const incidentUpdateStatus = pgEnum("incident_update_status", [
  "investigating",
  "identified",
  "monitoring",
  "update",
]);

/**
 * What the owner tells customers about an incident, in their own words: shown under the
 * incident on the status pages of its monitor, newest first.
 */
export const incidentUpdates = pgTable("incident_updates", {
  id: uuid("id").primaryKey().defaultRandom(),
  incidentId: uuid("incident_id").notNull()
    .references(() => incidents.id, { onDelete: "cascade" }),
  status: incidentUpdateStatus("status").notNull(),
  message: text("message").notNull(),
  authorId: uuid("author_id").references(() => users.id, { onDelete: "set null" }),
  createdAt: createdAt(),
}, (t) => [index("incident_updates_incident_created_idx").on(t.incidentId, t.createdAt)]);

/**
 * Incident events written in the same transaction as the transition they describe and
 * relayed to the Redis stream afterwards (transactional outbox): a crash between the
 * commit and the XADD leaves the row here, and the next relay sends it.
 */
export const incidentOutbox = pgTable("incident_outbox", {
  /** The event id (`<incidentId>:opened|resolved|reminder:<n>`, `cert:…`), its idempotency key. */
  id: text("id").primaryKey(),
  event: jsonb("event").notNull(),
  createdAt: createdAt(),
});
/**
 * The certificate a monitor was last alerted about, by the day it expires: an alert goes
 * out once per certificate when it enters the monitor's warning window, and again only
 * for another certificate (renewed, or the URL moved) once that one nears its end.
 */
export const certificateAlerts = pgTable("certificate_alerts", {
  websiteId: uuid("website_id").primaryKey()
    .references(() => websites.id, { onDelete: "cascade" }),
  expiresOn: date("expires_on", { mode: "string" }).notNull(),
  alertedAt: timestamp("alerted_at", { withTimezone: true }).notNull().defaultNow(),
});

export const notificationChannels = pgTable("notification_channels", {
  id: uuid("id").primaryKey().defaultRandom(),
  ownerId: uuid("owner_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  /** A provider id (services/notifications/providers/). */
  kind: text("kind").notNull(),
  name: text("name").notNull(),
  /** The provider's settings, secrets included: never logged, masked by the API. */
  config: jsonb("config").$type<Record<string, unknown>>().notNull(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [index("notification_channels_owner_id_idx").on(t.ownerId)]);

/**
 * One message to one channel: the delivery queue (claimed by `next_attempt_at`, which
 * doubles as the lease of the instance sending it) and the record the dashboard shows.
 * Unique per (channel, event): a repeated incident event notifies nobody twice.
 */
export const notificationDeliveries = pgTable("notification_deliveries", {
  id: uuid("id").primaryKey().defaultRandom(),
  channelId: uuid("channel_id").notNull()
    .references(() => notificationChannels.id, { onDelete: "cascade" }),
  /** The event id (`<incidentId>:opened|resolved|reminder:<n>`, `cert:…`) or `test:<uuid>`: the idempotency key. */
  eventId: text("event_id").notNull(),
  /** `opened`, `reminder`, `resolved`, `certificate` or `test`. */
  eventType: text("event_type").notNull(),
  incidentId: uuid("incident_id"),
  /** The incident event (lib/incident_event.ts) the message is written from. */
  event: jsonb("event").$type<Record<string, unknown>>().notNull(),
  /**
   * `pending` (first try or a retry ahead), `delivered`, `failed` (given up) or `skipped` (a
   * reminder made moot before it went out; `last_error` says why).
   */
  status: text("status").notNull().default("pending"),
  attempts: integer("attempts").notNull().default(0),
  lastError: text("last_error"),
  nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
  deliveredAt: timestamp("delivered_at", { withTimezone: true }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [
  uniqueIndex("notification_deliveries_channel_event_idx").on(t.channelId, t.eventId),
  index("notification_deliveries_channel_created_idx").on(t.channelId, t.createdAt),
  index("notification_deliveries_due_idx").on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
]);
