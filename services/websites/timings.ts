/**
 * Where a monitor's response time goes: p50 and p95 of each phase (DNS, connect, TLS,
 * time to first byte, total) per region over a range, and the certificate's days left
 * at the latest HTTPS check. Read from raw checks; a redelivered check is counted once.
 */
import { identifier, literal, sql } from "../../db/clickhouse/sql.ts";
import type { Actor, Services } from "../context.ts";
import { metricsWindow } from "./metrics_queries.ts";
import type { MetricsInput } from "./schemas.ts";
import { ownedWebsite } from "./store.ts";

export const PHASES = ["dns", "connect", "tls", "ttfb", "total"] as const;
export type Phase = (typeof PHASES)[number];

export interface PhaseTimes {
  p50: number;
  p95: number;
}

export interface RegionTimings {
  region: string;
  /** Checks that got a response (their phases are measured). */
  checks: number;
  phases: Record<Phase, PhaseTimes>;
}

export interface WebsiteTimings {
  regions: RegionTimings[];
  /** Days left on the certificate at the latest HTTPS check in the range; null: none. */
  certDaysLeft: number | null;
  /** Epoch ms of that check. */
  certCheckedAt: number | null;
}

const COLUMN: Record<Phase, string> = {
  dns: "dns_ms",
  connect: "connect_ms",
  tls: "tls_ms",
  ttfb: "ttfb_ms",
  total: "response_ms",
};

export async function websiteTimings(
  services: Services,
  actor: Actor,
  input: MetricsInput,
  now = new Date(),
): Promise<WebsiteTimings> {
  const website = await ownedWebsite(services.readDb, actor, input.id);
  const window = metricsWindow(input.range, now);
  const where = sql`website_id = ${literal.uuid(website.id)}
    AND scheduled_at >= ${literal.dateTime(new Date(window.fromSeconds * 1000))}
    AND scheduled_at < ${literal.dateTime(new Date(window.toSeconds * 1000))}`;
  // LIMIT 1 BY keeps one delivery of each check; quantilesTiming as for response times.
  const deduplicated = sql`SELECT * FROM checks WHERE ${where}
    ORDER BY scheduled_at, region_id, checked_at DESC LIMIT 1 BY scheduled_at, region_id`;
  const quantiles = sql.join(
    PHASES.map((phase) =>
      sql`quantilesTiming(0.5, 0.95)(${identifier(COLUMN[phase])}) AS ${identifier(`${phase}_q`)}`
    ),
    sql`, `,
  );
  const [rows, cert] = await Promise.all([
    services.ch.rows<Record<string, unknown>>(
      sql`SELECT region_id AS region, count() AS checks, ${quantiles}
       FROM (${deduplicated}) WHERE http_status > 0 OR outcome = 'up'
       GROUP BY region_id ORDER BY region_id`,
    ),
    services.ch.rows<{ days: number | null; at: number | string }>(
      sql`SELECT cert_days_left AS days, toUInt32(checked_at) AS at FROM checks
       WHERE ${where} AND isNotNull(cert_days_left)
       ORDER BY scheduled_at DESC, checked_at DESC LIMIT 1`,
    ),
  ]);
  return {
    regions: rows.map((row) => ({
      region: String(row.region),
      checks: Number(row.checks),
      phases: Object.fromEntries(PHASES.map((phase) => {
        const [p50, p95] = (row[`${phase}_q`] as number[]).map(Number);
        return [phase, { p50, p95 }];
      })) as Record<Phase, PhaseTimes>,
    })),
    certDaysLeft: cert.length && cert[0].days !== null ? Number(cert[0].days) : null,
    certCheckedAt: cert.length ? Number(cert[0].at) * 1000 : null,
  };
}
