/**
 * The one place configuration is read. Every process calls {@link getConfig}; a bad
 * value stops it with one line naming the variable and what is expected.
 *
 * ```ts
 * const { databaseUrl, region } = getConfig();
 * ```
 */
import { z } from "zod";
// @ts-types="@types/proxy-addr"
import proxyaddr from "proxy-addr";
import { MAX_WEBSITE_TIMEOUT_MS, RECLAIM_MARGIN_MS } from "./task.ts";
import { parseSecretKeys, type SecretKey } from "./secret_box.ts";

const urlWithScheme = (schemes: string[]) =>
  z.string().refine((value) => {
    try {
      return schemes.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, `expected a URL starting with ${schemes.map((s) => `${s}//`).join(" or ")}`);

const integer = (min: number, max: number) =>
  z.string().regex(/^\d+$/, "expected a whole number").transform(Number).pipe(
    z.number().min(min, `expected at least ${min}`).max(max, `expected at most ${max}`),
  );

const boolean = z.enum(["true", "false", "1", "0"], { error: "expected true or false" })
  .transform((value) => value === "true" || value === "1");

const regionId = z.string().regex(
  /^[a-z0-9][a-z0-9-]{0,31}$/,
  "expected a region id of lowercase letters, digits and dashes",
);

const regionList = z.string().transform((value) => value.split(",").map((r) => r.trim()))
  .pipe(z.array(regionId).min(1, "expected at least one region"));

const proxyList = z.string().transform((value) => value.split(",").map((p) => p.trim()))
  .refine((list) => {
    try {
      proxyaddr.compile(list);
      return true;
    } catch {
      return false;
    }
  }, "expected comma-separated addresses or CIDRs (e.g. 10.0.0.0/8, ::1/128), or loopback");

/** Raw environment variables, their rules and defaults. */
const envSchema = z.object({
  DATABASE_URL: urlWithScheme(["postgres:", "postgresql:"]).default(
    "postgres://postgres@127.0.0.1:5432/uptime",
  ),
  DATABASE_REPLICA_URL: urlWithScheme(["postgres:", "postgresql:"]).optional(),
  READ_YOUR_WRITES_SECONDS: integer(1, 300).default(5),
  REDIS_URL: urlWithScheme(["redis:", "rediss:"]).default("redis://127.0.0.1:6379"),
  CLICKHOUSE_URL: urlWithScheme(["http:", "https:"]).default("http://127.0.0.1:8123/uptime"),
  PORT: integer(0, 65535).default(8000),
  HEALTH_PORT: integer(0, 65535).optional(),
  REGION: regionId.optional(),
  FLY_REGION: regionId.optional(),
  PRIMARY_REGION: regionId.optional(),
  REGIONS: regionList.optional(),
  PUBLISH_INTERVAL_MS: integer(1_000, 86_400_000).default(180_000),
  CHECK_TIMEOUT_MS: integer(100, 120_000).default(10_000),
  RECLAIM_IDLE_MS: integer(1_000, 86_400_000).default(300_000),
  ALLOW_PRIVATE_TARGETS: boolean.default(false),
  FLY_API_TOKEN: z.string().min(1).optional(),
  FLY_APP_NAME: z.string().regex(/^[a-z0-9-]+$/, "expected a Fly app name").optional(),
  FLY_API_URL: urlWithScheme(["http:", "https:"]).default("https://api.machines.dev"),
  // Set by Fly on every machine it runs; elsewhere nobody may claim to be Fly's proxy.
  FLY_ALLOC_ID: z.string().optional(),
  RETENTION_DAYS: integer(1, 3650).default(90),
  PUBLISHER_TICK_MS: integer(100, 60_000).default(1_000),
  PUBLISHER_LEASE_MS: integer(500, 300_000).default(10_000),
  WORKER_CONCURRENCY: integer(1, 10_000).default(200),
  WORKER_MAX_DELIVERIES: integer(1, 100).default(5),
  // Unset: the web's own port on this machine (parseConfig).
  APP_URL: urlWithScheme(["http:", "https:"]).optional(),
  APP_HOSTS: z.string().transform((value) =>
    value.split(",").map((h) => h.trim().toLowerCase().replace(/\.$/, "")).filter(Boolean)
  ).pipe(z.array(z.string().regex(/^[a-z0-9.-]+$/, "expected hostnames separated by commas")))
    .optional(),
  STATUS_PAGE_CACHE_MS: integer(0, 300_000).default(5_000),
  DNS_NAMESERVER: z.string().regex(
    /^[0-9a-f.:]+:\d{1,5}$|^\[[0-9a-f:]+\]:\d{1,5}$/i,
    "expected ADDRESS:PORT, e.g. 127.0.0.1:5353",
  ).optional(),
  WEBSITES_PER_USER: integer(1, 100_000).default(100),
  MIN_INTERVAL_SECONDS: integer(1, 86_400).default(30),
  SMTP_URL: urlWithScheme(["smtp:", "smtps:"]).optional(),
  MAIL_FROM: z.string().max(320).refine((value) => /@/.test(value) && !/[\r\n]/.test(value), {
    error: "expected an address such as Uptime <alerts@example.com>",
  }).optional(),
  PAGERDUTY_EVENTS_URL: urlWithScheme(["http:", "https:"]).default("https://events.pagerduty.com"),
  TELEGRAM_API_URL: urlWithScheme(["http:", "https:"]).default("https://api.telegram.org"),
  PUSHOVER_API_URL: urlWithScheme(["http:", "https:"]).default("https://api.pushover.net"),
  TWILIO_API_URL: urlWithScheme(["http:", "https:"]).default("https://api.twilio.com"),
  NOTIFICATION_TIMEOUT_MS: integer(100, 120_000).default(10_000),
  NOTIFICATION_RETRY_BASE_MS: integer(10, 3_600_000).default(10_000),
  NOTIFICATION_GIVE_UP_MS: integer(1_000, 7 * 86_400_000).default(86_400_000),
  NOTIFICATION_CONCURRENCY: integer(1, 1_000).default(32),
  REDIS_KEY_PREFIX: z.string().regex(/^[\w:.-]{0,64}$/, "expected letters, digits, : . _ -")
    .default("uptime:"),
  LOGIN_FAILURES_PER_ADDRESS: integer(1, 1_000_000).default(50),
  LIVE_SOCKETS_PER_ADDRESS: integer(1, 1_000_000).default(64),
  SIGNUP: z.enum(["open", "closed"], { error: "expected open or closed" }).default("open"),
  TRUSTED_PROXIES: proxyList.optional(),
  SECRETS_KEY: z.string().optional(),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"], {
    error: "expected debug, info, warn or error",
  }).default("info"),
});

export interface Config {
  databaseUrl: string;
  /**
   * A read replica of `databaseUrl` near this web machine: `DATABASE_REPLICA_URL_<REGION>`
   * of this region, else `DATABASE_REPLICA_URL`; null: every read goes to the primary.
   * Which reads may use it: web/read_routing.ts.
   */
  databaseReplicaUrl: string | null;
  /**
   * Some region reads from a replica (any `DATABASE_REPLICA_URL*` is set): writes mark their
   * client so that its next reads, wherever they land, go to the primary.
   */
  replicasInUse: boolean;
  /** For this long after a client's write, its reads go to the primary (replica lag). */
  readYourWritesSeconds: number;
  redisUrl: string;
  clickhouseUrl: string;
  port: number;
  /** Port of the publisher's or worker's /healthz, /readyz and /metrics; null: none. */
  healthPort: number | null;
  /** The region this process runs in: `FLY_REGION`, else `REGION`, else `local`. */
  region: string;
  /** Regions that run workers; a new website is checked from all of them by default. */
  regions: string[];
  /** Fly's PRIMARY_REGION: where writing requests are replayed to (web/fly_replay.ts). */
  primaryRegion: string | null;
  publishIntervalMs: number;
  checkTimeoutMs: number;
  reclaimIdleMs: number;
  allowPrivateTargets: boolean;
  fly: { apiToken: string; appName: string; apiUrl: string } | null;
  /** Running on a Fly machine, behind Fly's proxy (which names the client in Fly-Client-IP). */
  onFly: boolean;
  /**
   * Peers whose Fly-Client-IP / X-Forwarded-For name the client (proxy-addr syntax).
   * Unset: nobody's, except on Fly, where only Fly's proxy reaches the app.
   */
  trustedProxies: string[];
  /** Failed logins one address may make in 15 minutes, whatever the accounts. */
  loginFailuresPerAddress: number;
  /** Live WebSockets one client address may hold at once. */
  liveSocketsPerAddress: number;
  /** Whether anyone may sign up (`open`) or accounts come from `deno task user:create`. */
  signup: "open" | "closed";
  retentionDays: number;
  /**
   * How often the publisher looks for due websites, on wall-clock multiples of it; always
   * shorter than the shortest interval, so no slot is skipped.
   */
  publisherTickMs: number;
  /** How long a publisher's leadership lasts unless renewed. */
  publisherLeaseMs: number;
  /** Checks one worker runs at once. */
  workerConcurrency: number;
  /** Deliveries after which a task goes to the dead letters. */
  workerMaxDeliveries: number;
  /** Where users reach the app; its host may not be added as a status-page domain. */
  appUrl: string;
  /**
   * Hosts the app answers on besides `appUrl`'s (`APP_HOSTS`, e.g. `<app>.fly.dev`), lower
   * case. Loopback names and addresses always count. Any other host is a status-page domain.
   */
  appHosts: string[];
  /** How long a status page's data is reused before it is computed again. */
  statusPageCacheMs: number;
  /** The DNS server that domain verification asks (`DNS_NAMESERVER`); null: the system's. */
  dnsNameServer: { ipAddr: string; port: number } | null;
  websitesPerUser: number;
  minIntervalSeconds: number;
  redisKeyPrefix: string;
  notifications: NotificationConfig;
  /**
   * `SECRETS_KEY`: the keys channel settings and two-factor keys are sealed under in
   * Postgres (lib/secret_box.ts); the first seals, all open. None: kept as given.
   */
  secretKeys: SecretKey[];
  logLevel: "debug" | "info" | "warn" | "error";
}

/** How alerts are delivered (services/notifications/). */
export interface NotificationConfig {
  /** null: email channels cannot be created. */
  smtpUrl: string | null;
  mailFrom: string;
  pagerdutyUrl: string;
  telegramUrl: string;
  pushoverUrl: string;
  twilioUrl: string;
  /** Bound of one delivery attempt (connect, send, answer). */
  timeoutMs: number;
  /** First retry delay; each later one doubles (with jitter), capped at an hour. */
  retryBaseMs: number;
  /** A message still undelivered this long after its event is given up. */
  giveUpAfterMs: number;
  /** Deliveries one process sends at once (at most two per channel). */
  concurrency: number;
}

/** Thrown for an invalid variable; its message is the one line a user sees. */
export class ConfigError extends Error {
  constructor(readonly variable: string, detail: string) {
    super(`Invalid configuration: ${variable} ${detail}`);
    this.name = "ConfigError";
  }
}

/** Parses an environment (pure; used by tests and by {@link getConfig}). */
export function parseConfig(env: Record<string, string | undefined>): Config {
  // An empty variable means "not set", as in most twelve-factor apps.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ""),
  );
  const result = envSchema.safeParse(present);
  if (!result.success) {
    const issue = result.error.issues[0];
    // Values are never echoed: URLs and tokens may hold secrets.
    throw new ConfigError(String(issue.path[0]), `is invalid: ${issue.message}`);
  }
  const e = result.data;
  // Port 0 (a free one, as tests ask) is known only once the server listens.
  const appUrl = e.APP_URL ?? `http://localhost:${e.PORT || 8000}`;
  // A running check must never look abandoned: another worker would run it a second time.
  const longestTimeout = Math.max(e.CHECK_TIMEOUT_MS, MAX_WEBSITE_TIMEOUT_MS);
  if (e.RECLAIM_IDLE_MS <= longestTimeout + RECLAIM_MARGIN_MS) {
    throw new ConfigError(
      "RECLAIM_IDLE_MS",
      `is invalid: expected more than the longest check timeout (${longestTimeout} ms) ` +
        `plus ${RECLAIM_MARGIN_MS} ms, so that a running check is never taken over`,
    );
  }
  // A website is claimed at most once per tick: a tick as long as an interval would
  // silently skip that website's slots.
  if (e.PUBLISHER_TICK_MS >= e.MIN_INTERVAL_SECONDS * 1000) {
    throw new ConfigError(
      "PUBLISHER_TICK_MS",
      `is invalid: expected less than MIN_INTERVAL_SECONDS × 1000 ` +
        `(${e.MIN_INTERVAL_SECONDS * 1000} ms), or the shortest intervals would skip slots`,
    );
  }
  if (e.PUBLISHER_TICK_MS >= e.PUBLISH_INTERVAL_MS) {
    throw new ConfigError(
      "PUBLISHER_TICK_MS",
      `is invalid: expected less than PUBLISH_INTERVAL_MS (${e.PUBLISH_INTERVAL_MS} ms), ` +
        `or websites on the default interval would skip slots`,
    );
  }
  let secretKeys: SecretKey[];
  try {
    secretKeys = parseSecretKeys(e.SECRETS_KEY);
  } catch (error) {
    throw new ConfigError("SECRETS_KEY", `is invalid: ${(error as Error).message}`);
  }
  const region = e.FLY_REGION ?? e.REGION ?? "local";
  const databaseReplicaUrl = replicaUrlFor(region, present) ?? e.DATABASE_REPLICA_URL ?? null;
  const fly = e.FLY_API_TOKEN && e.FLY_APP_NAME
    ? { apiToken: e.FLY_API_TOKEN, appName: e.FLY_APP_NAME, apiUrl: e.FLY_API_URL }
    : null;
  return {
    databaseUrl: e.DATABASE_URL,
    databaseReplicaUrl,
    replicasInUse: databaseReplicaUrl !== null ||
      Object.keys(present).some((name) => name.startsWith(REPLICA_PREFIX) && present[name]),
    readYourWritesSeconds: e.READ_YOUR_WRITES_SECONDS,
    redisUrl: e.REDIS_URL,
    clickhouseUrl: e.CLICKHOUSE_URL,
    port: e.PORT,
    healthPort: e.HEALTH_PORT ?? null,
    region,
    regions: e.REGIONS ?? [region],
    primaryRegion: e.PRIMARY_REGION ?? null,
    publishIntervalMs: e.PUBLISH_INTERVAL_MS,
    checkTimeoutMs: e.CHECK_TIMEOUT_MS,
    reclaimIdleMs: e.RECLAIM_IDLE_MS,
    allowPrivateTargets: e.ALLOW_PRIVATE_TARGETS,
    fly,
    onFly: Boolean(e.FLY_ALLOC_ID),
    trustedProxies: e.TRUSTED_PROXIES ?? (e.FLY_ALLOC_ID ? ["0.0.0.0/0", "::/0"] : []),
    signup: e.SIGNUP,
    loginFailuresPerAddress: e.LOGIN_FAILURES_PER_ADDRESS,
    liveSocketsPerAddress: e.LIVE_SOCKETS_PER_ADDRESS,
    retentionDays: e.RETENTION_DAYS,
    publisherTickMs: e.PUBLISHER_TICK_MS,
    publisherLeaseMs: e.PUBLISHER_LEASE_MS,
    workerConcurrency: e.WORKER_CONCURRENCY,
    workerMaxDeliveries: e.WORKER_MAX_DELIVERIES,
    appUrl,
    // Fly sets FLY_APP_NAME on every machine: <app>.fly.dev is always the app's own.
    appHosts: [...e.APP_HOSTS ?? [], ...(e.FLY_APP_NAME ? [`${e.FLY_APP_NAME}.fly.dev`] : [])],
    statusPageCacheMs: e.STATUS_PAGE_CACHE_MS,
    dnsNameServer: e.DNS_NAMESERVER ? nameServer(e.DNS_NAMESERVER) : null,
    websitesPerUser: e.WEBSITES_PER_USER,
    minIntervalSeconds: e.MIN_INTERVAL_SECONDS,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    notifications: {
      smtpUrl: e.SMTP_URL ?? null,
      mailFrom: e.MAIL_FROM ?? `Uptime <alerts@${new URL(appUrl).hostname}>`,
      pagerdutyUrl: e.PAGERDUTY_EVENTS_URL,
      telegramUrl: e.TELEGRAM_API_URL,
      pushoverUrl: e.PUSHOVER_API_URL,
      twilioUrl: e.TWILIO_API_URL,
      timeoutMs: e.NOTIFICATION_TIMEOUT_MS,
      retryBaseMs: e.NOTIFICATION_RETRY_BASE_MS,
      giveUpAfterMs: e.NOTIFICATION_GIVE_UP_MS,
      concurrency: e.NOTIFICATION_CONCURRENCY,
    },
    secretKeys,
    logLevel: e.LOG_LEVEL,
  };
}

/**
 * `DATABASE_REPLICA_URL_<REGION>` (e.g. `DATABASE_REPLICA_URL_SIN`) for this region: Fly's
 * secrets are the same on every machine, so each region's replica has a variable of its own.
 * Every such variable is checked, whichever region this is, so a typo fails every deploy.
 */
function replicaUrlFor(region: string, env: Record<string, string | undefined>): string | null {
  const postgresUrl = urlWithScheme(["postgres:", "postgresql:"]);
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(REPLICA_PREFIX)) continue;
    if (!/^[A-Z0-9_]+$/.test(name.slice(REPLICA_PREFIX.length))) {
      throw new ConfigError(name, "is invalid: expected DATABASE_REPLICA_URL_<REGION>, e.g. _SIN");
    }
    const result = postgresUrl.safeParse(value);
    if (!result.success) {
      throw new ConfigError(name, `is invalid: ${result.error.issues[0].message}`);
    }
  }
  return env[`${REPLICA_PREFIX}${region.toUpperCase().replaceAll("-", "_")}`] ?? null;
}

const REPLICA_PREFIX = "DATABASE_REPLICA_URL_";

function nameServer(value: string): { ipAddr: string; port: number } {
  const at = value.lastIndexOf(":");
  return { ipAddr: value.slice(0, at).replace(/^\[|\]$/g, ""), port: Number(value.slice(at + 1)) };
}

let cached: Config | undefined;

/** The process configuration, read once; exits with one line when it is invalid. */
export function getConfig(): Config {
  if (cached) return cached;
  try {
    cached = parseConfig(Deno.env.toObject());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    Deno.exit(1);
  }
  return cached;
}

/** A URL with its password and query replaced, safe for logs and error messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    if (parsed.search) parsed.search = "?***";
    return parsed.toString();
  } catch {
    return "(unparseable URL)";
  }
}
