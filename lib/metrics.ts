/**
 * Every Prometheus metric of every process, in one registry (prom-client). A process
 * exposes only what it moves: the worker's check counters stay empty on web. Served as
 * text at `/metrics` (web on its port; publisher and worker on `HEALTH_PORT`).
 *
 * ```ts
 * metrics.checks.inc({ region: "ams", outcome: "up" });
 * const text = await metricsText();
 * ```
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";

export const registry = new Registry();
const registers = [registry];

/** Seconds, from a fast check to a timed-out one. */
const CHECK_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60];

/** Region → how late the worker's loop runs now, in seconds; read when scraped. */
const loopDelayReaders = new Map<string, () => number>();

export function reportLoopDelay(region: string, read: () => number): void {
  loopDelayReaders.set(region, read);
}

export const metrics = {
  checks: new Counter({
    name: "uptime_checks_total",
    help: "Checks run by workers, by region and outcome (rate() gives checks per second).",
    labelNames: ["region", "outcome"] as const,
    registers,
  }),
  checkDuration: new Histogram({
    name: "uptime_check_duration_seconds",
    help: "How long one check took, by region.",
    labelNames: ["region"] as const,
    buckets: CHECK_BUCKETS,
    registers,
  }),
  checksRerun: new Counter({
    name: "uptime_worker_checks_rerun_total",
    help: "Checks that timed out while the worker's own event loop was held up: " +
      "not stored, handed back to be run again.",
    labelNames: ["region"] as const,
    registers,
  }),
  // Read when scraped: the probe runs ten times a second, a scrape far less often.
  eventLoopDelay: gaugeOnScrape({
    name: "uptime_worker_event_loop_delay_seconds",
    help: "How late the worker's event loop ran callbacks, the most over the last half second.",
    labelNames: ["region"] as const,
  }, (gauge) => {
    for (const [region, read] of loopDelayReaders) gauge.set({ region }, read());
  }),
  checkLimit: new Gauge({
    name: "uptime_worker_check_limit",
    help: "Checks the worker runs at once now: WORKER_CONCURRENCY, less while its loop is late.",
    labelNames: ["region"] as const,
    registers,
  }),
  deadLetters: new Counter({
    name: "uptime_dead_letters_total",
    help: "Tasks set aside in the dead-letter stream, by region.",
    labelNames: ["region"] as const,
    registers,
  }),
  clickhouseInsertDuration: new Histogram({
    name: "uptime_clickhouse_insert_seconds",
    help: "How long one batch insert of check results into ClickHouse took.",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  }),
  clickhouseInsertFailures: new Counter({
    name: "uptime_clickhouse_insert_failures_total",
    help: "Batch inserts into ClickHouse that failed (retried with backoff).",
    registers,
  }),
  incidentEvents: new Counter({
    name: "uptime_incident_events_total",
    help:
      "Alert events sent to the notification dispatcher: opened, resolved, reminder, certificate.",
    labelNames: ["type"] as const,
    registers,
  }),
  notifications: new Counter({
    name: "uptime_notifications_total",
    help: "Notification attempts by channel kind and outcome (delivered, retrying, failed).",
    labelNames: ["kind", "outcome"] as const,
    registers,
  }),
  tasksPublished: new Counter({
    name: "uptime_tasks_published_total",
    help: "Tasks the publisher enqueued, by region.",
    labelNames: ["region"] as const,
    registers,
  }),
  publisherLag: new Histogram({
    name: "uptime_publisher_lag_seconds",
    help: "How late a due website was enqueued after its scheduled slot.",
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300],
    registers,
  }),
  httpRequests: new Counter({
    name: "uptime_http_requests_total",
    help: "HTTP requests answered by web, by method and status.",
    labelNames: ["method", "status"] as const,
    registers,
  }),
  httpDuration: new Histogram({
    name: "uptime_http_request_duration_seconds",
    help: "How long web took to answer a request (until the response headers).",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  }),
  flyReplays: new Counter({
    name: "uptime_fly_replays_total",
    help: "Writing requests sent to the primary region with fly-replay.",
    registers,
  }),
};

new Gauge({
  name: "uptime_process_resident_memory_bytes",
  help: "Resident memory of this process.",
  registers,
  collect() {
    this.set(Deno.memoryUsage().rss);
  },
});

/** A gauge read when scraped; `read` sets its values (errors leave them unset). */
export function gaugeOnScrape<L extends string>(
  options: { name: string; help: string; labelNames?: readonly L[] },
  read: (gauge: Gauge<L>) => Promise<void> | void,
): Gauge<L> {
  return new Gauge<L>({
    ...options,
    registers,
    async collect() {
      this.reset();
      await read(this);
    },
  });
}

export const METRICS_CONTENT_TYPE = registry.contentType;

export function metricsText(): Promise<string> {
  return registry.metrics();
}
