/**
 * A beat from a heartbeat monitor's job (`/api/heartbeat/<token>`): the monitor is up
 * now, and down if the next beat is later than one period plus the grace time. A job that
 * ran and failed says so (`/api/heartbeat/<token>/fail`, with what went wrong): a down
 * result now, with the same deadline for the next beat.
 */
import type { Services } from "../context.ts";
import { evaluateHeartbeatResults, heartbeatRow, storeHeartbeatResults } from "./store_results.ts";

/** What a failed run's message holds at most: the start of what the job sent. */
const FAILURE_TEXT = 200;

/** The down result's message for a failed run that sent `said` (its output, say). */
export function jobFailureMessage(said: string): string {
  // By characters, not UTF-16 units: an emoji is not cut in two.
  const line = [...said.replace(/\s+/g, " ").trim()];
  return line.length
    ? `the job reported a failure: ${
      line.length > FAILURE_TEXT ? `${line.slice(0, FAILURE_TEXT).join("")}…` : line.join("")
    }`
    : "the job reported a failure";
}

/**
 * Records the beat (a failed run when `failure` gives its message); false when no active
 * heartbeat monitor has this token.
 */
export async function recordHeartbeat(
  services: Services,
  token: string,
  failure: string | null = null,
): Promise<boolean> {
  // Tokens are 32 URL-safe characters; anything else is not worth a query.
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return false;
  const defaultInterval = Math.round(services.config.publishIntervalMs / 1000);
  const rows = await services.sql<{ id: string; regions: string[]; at: string }[]>`
    update websites
    set last_heartbeat_at = now(),
        next_check_at = now() + make_interval(secs =>
          coalesce(interval_seconds, ${defaultInterval}) + coalesce(heartbeat_grace_seconds, 0))
    where heartbeat_token = ${token} and type = 'heartbeat' and active
    returning id, regions, floor(extract(epoch from now()))::bigint as at`;
  if (!rows.length) return false;
  const [{ id, regions, at }] = rows;
  const row = heartbeatRow(
    id,
    regions[0],
    Number(at),
    failure === null ? null : { kind: "job", message: failure },
  );
  await storeHeartbeatResults(services, [row]);
  await evaluateHeartbeatResults(services, [row]);
  return true;
}
