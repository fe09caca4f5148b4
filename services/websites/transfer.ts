/**
 * Monitors as a file: every monitor of the account and the settings it was given, as
 * `website.create` takes them (`exportMonitors`; what it left to the deployment's defaults
 * stays out, so it takes the defaults of wherever it goes), and such a file added to an
 * account, this instance's or another's (`importMonitors`). What belongs to the account
 * alone stays: alert channels (imported monitors alert every channel of the account),
 * heartbeat addresses, results and incidents. A heartbeat monitor comes in paused, with a
 * new address its job must call before it is resumed, and a paused monitor paused. Each
 * monitor is added as `website.create` adds it, under the same rules (the URL policy, the
 * deployment's minimum interval, the monitors an account may have); a monitor refused is
 * said by its place in the file, and the others are added. One the account already has
 * (the same type, name and address) is skipped and said, so importing a file again adds
 * only what is new. Regions this deployment does not have are left out (none left: its
 * default regions), so a laptop's monitors move to Fly as they are.
 */
import { z } from "zod";
import type { Actor, Services } from "../context.ts";
import { DomainError } from "../errors.ts";
import { asc, eq } from "drizzle-orm";
import { websites } from "../../db/postgres/schema.ts";
import { log } from "../../lib/logger.ts";
import { forEachAtOnce } from "../../lib/async.ts";
import { createWebsite } from "./create.ts";
import { setWebsiteActive } from "./set_active.ts";
import { type CreateInput, createInput } from "./schemas.ts";
import { readBody, readHeaders, type Website } from "./store.ts";
import type { SecretKey } from "../../lib/secret_box.ts";
import { acceptMonitorTarget, defaultMonitorName } from "./monitor_target.ts";
import { type Resolver, systemResolver } from "./url_policy.ts";

/** The file's `format`, so that a later version can read today's files. */
export const EXPORT_FORMAT = "uptime-monitors/1";
/** Monitors one file may add; a larger export goes in several. */
const MAX_IMPORTED = 1_000;
/**
 * Host lookups (the SSRF guard's) running at once during an import. One at a time, a file
 * of a thousand monitors waited for a thousand lookups in a row, and five seconds for each
 * host that no longer resolves.
 */
const LOOKUPS_AT_ONCE = 16;

export interface MonitorsFile {
  format: typeof EXPORT_FORMAT;
  /** ISO 8601. */
  exportedAt: string;
  monitors: Record<string, unknown>[];
}

export async function exportMonitors(services: Services, actor: Actor): Promise<MonitorsFile> {
  const rows = await services.readDb.select().from(websites)
    .where(eq(websites.ownerId, actor.accountId))
    .orderBy(asc(websites.createdAt), asc(websites.id));
  return {
    format: EXPORT_FORMAT,
    exportedAt: new Date().toISOString(),
    monitors: rows.map((row) => settingsOf(row, services.config.secretKeys)),
  };
}

/** A monitor's settings as `website.create` takes them; what it left unset stays out. */
function settingsOf(
  row: typeof websites.$inferSelect,
  keys: readonly SecretKey[],
): Record<string, unknown> {
  const heartbeat = row.type === "heartbeat";
  const http = row.type === "http";
  // Headers and a body no listed key opens are left out; the monitor's page says why.
  const { headers } = readHeaders(keys, row.headers);
  const { body } = readBody(keys, row.body);
  const settings: Record<string, unknown> = {
    type: row.type,
    url: heartbeat ? undefined : row.url,
    name: row.name,
    tags: row.tags.length ? row.tags : undefined,
    intervalSeconds: row.intervalSeconds,
    timeoutMs: heartbeat ? undefined : row.timeoutMs,
    regions: heartbeat ? undefined : row.regions,
    method: http ? row.method : undefined,
    headers: http && Object.keys(headers).length ? headers : undefined,
    body: http ? body : undefined,
    expectedStatus: row.expectedStatus,
    keyword: row.keyword,
    forbiddenKeyword: row.forbiddenKeyword,
    jsonPath: row.jsonPath,
    jsonExpected: row.jsonExpected,
    degradedMs: row.degradedMs,
    certExpiryWarnDays: http ? row.certExpiryWarnDays : undefined,
    heartbeatGraceSeconds: heartbeat ? row.heartbeatGraceSeconds : undefined,
    confirmations: row.confirmations,
    quorum: row.quorum,
    remindEveryMinutes: row.remindEveryMinutes,
    active: row.active ? undefined : false,
  };
  return Object.fromEntries(
    Object.entries(settings).filter(([, value]) => value !== undefined && value !== null),
  );
}

const fileSchema = z.object({
  format: z.literal(EXPORT_FORMAT, {
    error: `format: not a file of monitors exported from Uptime ("${EXPORT_FORMAT}")`,
  }),
  monitors: z.array(z.unknown(), { error: "monitors: expected a list of monitors" })
    .max(MAX_IMPORTED, `monitors: at most ${MAX_IMPORTED} in one file`),
}, { error: "expected a file of monitors exported from Uptime" });

export interface ImportOutcome {
  /** The monitors added, in the file's order. */
  added: Website[];
  /** The ones the account already had: their place in the file (from 1) and name. */
  skipped: { index: number; name: string }[];
  /** The ones refused: their place in the file (from 1), name, and why. */
  refused: { index: number; name: string; error: string }[];
}

/**
 * Adds the file's monitors to the account, in the file's order; a file that is not one is
 * refused whole. The hosts are looked up together first, then each monitor is added with
 * its host's answer. `resolve` stands in for DNS in tests.
 */
export async function importMonitors(
  services: Services,
  actor: Actor,
  text: string,
  resolve: Resolver = systemResolver,
): Promise<ImportOutcome> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new DomainError("BAD_REQUEST", "file: not JSON; choose a file exported from Uptime");
  }
  const file = fileSchema.safeParse(json);
  if (!file.success) throw new DomainError("BAD_REQUEST", `file: ${file.error.issues[0].message}`);
  const monitors = file.data.monitors.map((monitor, i) => {
    const { active, ...settings } = (withRegionsOf(services, monitor) ?? {}) as {
      active?: unknown;
    };
    // A string spread as settings would be refused for its characters' positions as keys.
    const input = isSettings(monitor)
      ? createInput.safeParse(settings)
      : notSettings.safeParse(monitor);
    return { index: i + 1, name: nameOf(monitor), active, input };
  });
  const lookups = remembered(resolve);
  const valid = monitors.flatMap(({ input }) => input.success ? [input.data] : []);
  /** Each target as the monitor would store it, for telling one the account has. */
  const targets = new Map<CreateInput, string>();
  await forEachAtOnce(valid, LOOKUPS_AT_ONCE, async (input) => {
    // Refusals are said below, as each monitor is added.
    await acceptMonitorTarget(input.type ?? "http", input.url, services.config, lookups)
      .then((url) => targets.set(input, url), () => {});
  });
  const had = await sameAsKeys(services, actor);
  const outcome: ImportOutcome = { added: [], skipped: [], refused: [] };
  for (const { index, name, active, input } of monitors) {
    try {
      if (!input.success) throw new DomainError("BAD_REQUEST", input.error.issues[0].message);
      const type = input.data.type ?? "http";
      const stored = {
        type,
        name: input.data.name || defaultMonitorName(type),
        url: targets.get(input.data),
      };
      if (had.has(sameAsKey(stored))) {
        outcome.skipped.push({ index, name });
        continue;
      }
      let added = await createWebsite(services, actor, input.data, lookups);
      if (active === false || added.type === "heartbeat") {
        added = await setWebsiteActive(services, actor, { id: added.id, active: false });
      }
      outcome.added.push(added);
    } catch (error) {
      // One monitor that could not be added (Postgres away a moment, say) is said, not the
      // whole file lost halfway.
      if (!(error instanceof DomainError)) log.error("import.monitor_failed", { error });
      const message = error instanceof DomainError
        ? error.message
        : "it could not be added just now; import it again later";
      outcome.refused.push({ index, name, error: message });
    }
  }
  return outcome;
}

/**
 * What makes an imported monitor one the account already has: its type, name and address
 * (a heartbeat's address is the instance's own, so its type and name).
 */
function sameAsKey(monitor: { type: string; name: string | null; url?: string | null }) {
  const { type, name } = monitor;
  return JSON.stringify([type, name, type === "heartbeat" ? null : monitor.url ?? null]);
}

/** The keys of the monitors the account has before the import adds any. */
async function sameAsKeys(services: Services, actor: Actor): Promise<Set<string>> {
  const rows = await services.db
    .select({ type: websites.type, name: websites.name, url: websites.url })
    .from(websites)
    .where(eq(websites.ownerId, actor.accountId));
  return new Set(rows.map(sameAsKey));
}

function isSettings(monitor: unknown): boolean {
  return typeof monitor === "object" && monitor !== null && !Array.isArray(monitor);
}

/** Refuses whatever it is given: for an entry of the file that is not a monitor's settings. */
const notSettings = z.never({
  error: "not a monitor: expected its settings in braces, as an export writes them",
});

/** `resolve`, asked once per host: later asks get the first one's answer or failure. */
function remembered(resolve: Resolver): Resolver {
  const answers = new Map<string, Promise<string[]>>();
  return (hostname) => {
    let answer = answers.get(hostname);
    if (!answer) {
      answer = resolve(hostname);
      answer.catch(() => {}); // said when awaited; never an unhandled rejection
      answers.set(hostname, answer);
    }
    return answer;
  };
}

/** The monitor with only the regions this deployment has (none: its default ones). */
function withRegionsOf(services: Services, monitor: unknown): unknown {
  const regions = (monitor as { regions?: unknown } | null)?.regions;
  if (!Array.isArray(regions)) return monitor;
  const here = regions.filter((region) => services.config.regions.includes(region));
  const { regions: _, ...rest } = monitor as Record<string, unknown>;
  return here.length ? { ...rest, regions: here } : rest;
}

function nameOf(monitor: unknown): string {
  if (typeof monitor === "string") return monitor.slice(0, 100);
  const { name, url } = (monitor ?? {}) as { name?: unknown; url?: unknown };
  const text = typeof name === "string" && name ? name : typeof url === "string" ? url : "";
  return text.slice(0, 100);
}
