/** Stored check results and incident events, for tests and benchmarks of the evaluation. */
import { type IncidentEvent, incidentEventSchema } from "../../lib/incident_event.ts";
import type { CheckRow } from "../../db/clickhouse/check_row.ts";
import type { PipelineBed } from "./pipeline.ts";

/**
 * A stored result as the worker hands it to the evaluation; checked at its slot. A down
 * result is a 503 unless `overrides` says otherwise (another failure, timings).
 */
export function checkRow(
  websiteId: string,
  region: string,
  slot: number,
  up: boolean,
  overrides: Partial<CheckRow> = {},
): CheckRow {
  return {
    website_id: websiteId,
    region_id: region,
    scheduled_at: slot,
    checked_at: slot,
    outcome: up ? "up" : "down",
    http_status: up ? 200 : 503,
    response_ms: 12,
    error_kind: up ? "" : "status",
    error_message: up ? "" : "expected 2xx or 3xx, got 503",
    ...overrides,
  };
}

/** The event of one entry of the incident stream. */
export function parseEventEntry(fields: string[]): IncidentEvent {
  return incidentEventSchema.parse(JSON.parse(fields[1]));
}

/** Every event on the bed's incident stream, oldest first. */
export async function streamEvents(bed: PipelineBed): Promise<IncidentEvent[]> {
  const entries = await bed.redis.xrange(bed.keys.incidentEvents, "-", "+");
  return entries.map(([, fields]) => parseEventEntry(fields));
}
