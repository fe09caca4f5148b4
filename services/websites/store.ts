/** Reading a user's websites from Postgres, and the shape the API returns. */
import { and, eq, inArray } from "drizzle-orm";
import { websites } from "../../db/postgres/schema.ts";
import type { Config } from "../../lib/config.ts";
import type { Actor } from "../context.ts";
import type { Database } from "../../db/postgres/client.ts";
import { notFound } from "../errors.ts";
import { DEFAULT_CERT_EXPIRY_WARN_DAYS, type MonitorType } from "./schemas.ts";
import { targetHost } from "../../lib/target_host.ts";
import { readRecord, readSealedText, sealRecord } from "../../lib/sealed_record.ts";
import { seal, type SecretKey } from "../../lib/secret_box.ts";

export type WebsiteRow = typeof websites.$inferSelect;

/** A monitor's request headers as stored: sealed under `SECRETS_KEY` when one is set. */
export function sealHeaders(
  keys: readonly SecretKey[],
  headers: Record<string, string>,
): Record<string, string> {
  // Sealed, it is one field holding a string; every reader opens it (readHeaders).
  return sealRecord(keys, headers) as Record<string, string>;
}

/**
 * A monitor's request headers as stored (lib/sealed_record.ts) opened, or none and why when
 * no key of `SECRETS_KEY` opens them (the publisher opens them itself: publisher/schedule.ts).
 */
export function readHeaders(
  keys: readonly SecretKey[],
  stored: Record<string, unknown>,
): { headers: Record<string, string>; problem: string | null } {
  const { value, problem } = readRecord<Record<string, string>>(
    keys,
    stored,
    "The request headers",
  );
  return { headers: value ?? {}, problem };
}

/** A monitor's request body as stored: sealed under `SECRETS_KEY` when one is set. */
export function sealBody(keys: readonly SecretKey[], body: string | null): string | null {
  return body ? seal(keys, body) : body;
}

/**
 * A monitor's request body as stored, opened; or none and why when no key of `SECRETS_KEY`
 * opens it (the publisher opens it itself: publisher/schedule.ts).
 */
export function readBody(
  keys: readonly SecretKey[],
  stored: string | null,
): { body: string | null; problem: string | null } {
  const { value, problem } = readSealedText(keys, stored, "The request body");
  return { body: value, problem };
}

export interface Website {
  id: string;
  url: string;
  name: string | null;
  method: string;
  /** Sent with every request of its checks; often credentials, so sealed at rest (Security). */
  headers: Record<string, string>;
  /**
   * Why the stored headers cannot be read (sealed under a key `SECRETS_KEY` no longer
   * lists; `headers` is then empty and its checks are down saying so), or null.
   */
  headersProblem: string | null;
  /** Sent with every request of its checks; may hold credentials, so sealed at rest too. */
  body: string | null;
  /** Why the stored body cannot be read (as `headersProblem`; `body` is then null), or null. */
  bodyProblem: string | null;
  /** Effective: the website's own interval, or the deployment's default. */
  intervalSeconds: number;
  /** Effective: the website's own timeout, or the deployment's default. */
  timeoutMs: number;
  regions: string[];
  /** Null: any 2xx or 3xx answer counts as up. */
  expectedStatus: number | null;
  keyword: string | null;
  /** Consecutive failures (successes) after which a region is failing (recovered). */
  confirmations: number;
  /** How many failing regions make the monitor down. */
  quorum: "any" | "half" | "all";
  /** Channels alerted about incidents; null: every channel of the account, new ones too. */
  notificationIds: string[] | null;
  type: MonitorType;
  /** The team's labels for it, as typed. */
  tags: string[];
  /** Down when the body holds this. */
  forbiddenKeyword: string | null;
  /** Down unless the body is JSON with a value here (lib/json_assertion.ts). */
  jsonPath: string | null;
  /** That value; null: anything but null or false. */
  jsonExpected: string | null;
  /** An up check slower than this is degraded (amber); null: never. */
  degradedMs: number | null;
  /** Effective: warn this many days before the TLS certificate expires. */
  certExpiryWarnDays: number;
  /** While an incident is open and nobody has acknowledged it, remind its channels this often; null: never. */
  remindEveryMinutes: number | null;
  /**
   * While an incident is open and nobody has acknowledged it this many minutes after it
   * opened, these channels are alerted too; null: nobody.
   */
  escalation: { afterMinutes: number; notificationIds: string[] } | null;
  /** For heartbeat monitors: where the job calls, and how late it may be. */
  heartbeat: {
    /** The secret ping URL (GET or POST). */
    pingUrl: string;
    graceSeconds: number;
    /** Epoch ms of the last beat; null before the first. */
    lastBeatAt: number | null;
  } | null;
  active: boolean;
  /** Epoch milliseconds, like every timestamp the website API returns. */
  createdAt: number;
  updatedAt: number;
}

/**
 * The website as `actor` may read it: a viewer of the team reads the names of its request
 * headers, not their values, and not its body (credentials, often), nor a heartbeat's
 * address (which reports beats).
 */
export function forActor(website: Website, actor: Actor): Website {
  if (!actor.viewer) return website;
  const hidden = "(hidden from viewers)";
  return {
    ...website,
    headers: Object.fromEntries(Object.keys(website.headers).map((name) => [name, hidden])),
    body: website.body ? hidden : website.body,
    heartbeat: website.heartbeat && { ...website.heartbeat, pingUrl: hidden },
  };
}

export function toWebsite(row: WebsiteRow, config: Config): Website {
  const { headers, problem } = readHeaders(config.secretKeys, row.headers);
  const body = readBody(config.secretKeys, row.body);
  return {
    id: row.id,
    url: row.url,
    name: row.name,
    method: row.method,
    headers,
    headersProblem: problem,
    body: body.body,
    bodyProblem: body.problem,
    intervalSeconds: row.intervalSeconds ?? Math.round(config.publishIntervalMs / 1000),
    timeoutMs: row.timeoutMs ?? config.checkTimeoutMs,
    regions: row.regions,
    expectedStatus: row.expectedStatus,
    keyword: row.keyword,
    confirmations: row.confirmations,
    quorum: row.quorum,
    notificationIds: row.notificationChannelIds,
    type: row.type,
    tags: row.tags,
    forbiddenKeyword: row.forbiddenKeyword,
    jsonPath: row.jsonPath,
    jsonExpected: row.jsonExpected,
    degradedMs: row.degradedMs,
    certExpiryWarnDays: row.certExpiryWarnDays ?? DEFAULT_CERT_EXPIRY_WARN_DAYS,
    remindEveryMinutes: row.remindEveryMinutes,
    escalation: row.escalateAfterMinutes === null || !row.escalationChannelIds.length
      ? null
      : { afterMinutes: row.escalateAfterMinutes, notificationIds: row.escalationChannelIds },
    heartbeat: row.type === "heartbeat" && row.heartbeatToken
      ? {
        pingUrl: new URL(`/api/heartbeat/${row.heartbeatToken}`, config.appUrl).href,
        graceSeconds: row.heartbeatGraceSeconds ?? 0,
        lastBeatAt: row.lastHeartbeatAt?.getTime() ?? null,
      }
      : null,
    active: row.active,
    createdAt: row.createdAt.getTime(),
    updatedAt: row.updatedAt.getTime(),
  };
}

/**
 * The actor's website with this id. Another user's website is "not found", like a missing
 * one. `db`: `services.readDb` for a read, `services.db` before a write.
 */
export async function ownedWebsite(
  db: Database,
  actor: Actor,
  id: string,
): Promise<WebsiteRow> {
  const [row] = await db.select().from(websites)
    .where(and(eq(websites.id, id), eq(websites.ownerId, actor.accountId)));
  if (!row) throw notFound("Website");
  return row;
}

/** Those of `ids` the actor owns (others are left out, as if they did not exist). */
export async function ownedWebsites(
  db: Database,
  actor: Actor,
  ids: string[],
): Promise<WebsiteRow[]> {
  if (!ids.length) return [];
  return await db.select().from(websites)
    .where(and(inArray(websites.id, ids), eq(websites.ownerId, actor.accountId)));
}

/** Only the owner's row matches, so a guessed id changes nothing. */
export const ownedBy = (actor: Actor, id: string) =>
  and(eq(websites.id, id), eq(websites.ownerId, actor.accountId));

/** What the dashboard calls a monitor: its name, else its target's host. */
export const displayName = (website: Pick<Website, "name" | "url">) =>
  website.name ?? targetHost(website.url);
