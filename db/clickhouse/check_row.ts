/**
 * One row of the ClickHouse `checks` table (schema: migrations.ts), as the worker and the
 * heartbeat monitors write it and the incident evaluation and live status read it.
 */
export interface CheckRow {
  website_id: string;
  region_id: string;
  /** Epoch seconds; with website and region, the identity of the check. */
  scheduled_at: number;
  checked_at: number;
  outcome: "up" | "down";
  http_status: number;
  response_ms: number;
  error_kind: string;
  error_message: string;
  // Optional: a row without them (older code, tests) stores ClickHouse's defaults.
  dns_ms?: number;
  connect_ms?: number;
  tls_ms?: number;
  ttfb_ms?: number;
  /** Null when no TLS handshake completed. */
  cert_days_left?: number | null;
  /** 1: up, but slower than the website's degraded threshold. */
  degraded?: 0 | 1;
  /** 1: its monitor was under maintenance when it ran; not counted in uptime. */
  maintenance?: 0 | 1;
  /** Of an answer that failed the check: status, headers, start of the body (worker/check/response_excerpt.ts). */
  response?: string;
}
