/**
 * Monitors as a file: every monitor of the account and its settings, as `website.create`
 * takes them (`exportMonitors`), and such a file added to an account, this instance's or
 * another's (`importMonitors`). What belongs to the account alone stays: alert channels
 * (imported monitors alert every channel of the account), heartbeat addresses (a new one
 * each), results and incidents. Each monitor is added as `website.create` adds it, under
 * the same rules (the URL policy, the deployment's minimum interval, the monitors an
 * account may have); a monitor refused is said by its place in the file, and the others
 * are added. Regions this deployment does not have are left out (none left: its default
 * regions), so a laptop's monitors move to Fly as they are.
 */
import { z } from "zod";
import type { Actor, Services } from "../context.ts";
import { DomainError } from "../errors.ts";
import { createWebsite } from "./create.ts";
import { listWebsites } from "./list.ts";
import { createInput } from "./schemas.ts";
import type { Website } from "./store.ts";

/** The file's `format`, so that a later version can read today's files. */
export const EXPORT_FORMAT = "uptime-monitors/1";
/** Monitors a file may hold: more than an account may have. */
const MAX_IMPORTED = 1_000;

export interface MonitorsFile {
  format: typeof EXPORT_FORMAT;
  /** ISO 8601. */
  exportedAt: string;
  monitors: Record<string, unknown>[];
}

export async function exportMonitors(services: Services, actor: Actor): Promise<MonitorsFile> {
  const websites = await listWebsites(services, actor);
  return {
    format: EXPORT_FORMAT,
    exportedAt: new Date().toISOString(),
    monitors: websites.map(settingsOf),
  };
}

/** A monitor's settings as `website.create` takes them; what it left unset stays out. */
function settingsOf(website: Website): Record<string, unknown> {
  const heartbeat = website.type === "heartbeat";
  const http = website.type === "http";
  const settings: Record<string, unknown> = {
    type: website.type,
    url: heartbeat ? undefined : website.url,
    name: website.name ?? undefined,
    tags: website.tags.length ? website.tags : undefined,
    intervalSeconds: website.intervalSeconds,
    timeoutMs: heartbeat ? undefined : website.timeoutMs,
    regions: heartbeat ? undefined : website.regions,
    method: http ? website.method : undefined,
    headers: http && Object.keys(website.headers).length ? website.headers : undefined,
    body: http ? website.body ?? undefined : undefined,
    expectedStatus: website.expectedStatus ?? undefined,
    keyword: website.keyword ?? undefined,
    forbiddenKeyword: website.forbiddenKeyword ?? undefined,
    degradedMs: website.degradedMs ?? undefined,
    certExpiryWarnDays: http ? website.certExpiryWarnDays : undefined,
    heartbeatGraceSeconds: website.heartbeat?.graceSeconds || undefined,
    confirmations: website.confirmations,
    quorum: website.quorum,
    remindEveryMinutes: website.remindEveryMinutes ?? undefined,
  };
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));
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
  /** The ones refused: their place in the file (from 1), name, and why. */
  refused: { index: number; name: string; error: string }[];
}

/** Adds the file's monitors to the account; a file that is not one is refused whole. */
export async function importMonitors(
  services: Services,
  actor: Actor,
  text: string,
): Promise<ImportOutcome> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new DomainError("BAD_REQUEST", "file: not JSON; choose a file exported from Uptime");
  }
  const file = fileSchema.safeParse(json);
  if (!file.success) throw new DomainError("BAD_REQUEST", `file: ${file.error.issues[0].message}`);
  const outcome: ImportOutcome = { added: [], refused: [] };
  for (const [i, monitor] of file.data.monitors.entries()) {
    const name = nameOf(monitor);
    try {
      const input = createInput.safeParse(withRegionsOf(services, monitor));
      if (!input.success) throw new DomainError("BAD_REQUEST", input.error.issues[0].message);
      outcome.added.push(await createWebsite(services, actor, input.data));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      outcome.refused.push({ index: i + 1, name, error: error.message });
    }
  }
  return outcome;
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
  const { name, url } = (monitor ?? {}) as { name?: unknown; url?: unknown };
  const text = typeof name === "string" && name ? name : typeof url === "string" ? url : "";
  return text.slice(0, 100);
}
