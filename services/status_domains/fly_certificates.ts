/**
 * A client for the certificate endpoints of Fly's Machines API
 * (https://fly.io/docs/machines/api/certificates-resource/). Every call has a timeout;
 * 429s, 5xx answers, timeouts and connection failures are retried with exponential
 * backoff, honouring Retry-After. What fails for good becomes BAD_GATEWAY "Fly: <their
 * message>". The token goes only into the Authorization header: never into a log line or
 * an error message (their messages are scrubbed of it too).
 *
 * ```ts
 * const fly = flyCertificates(config.fly!);
 * const cert = await fly.request("status.example.com"); // cert.state === "pending"
 * ```
 */
import { z } from "zod";
import { log } from "../../lib/logger.ts";
import { DomainError } from "../errors.ts";
import { backoffDelay } from "../../lib/backoff.ts";

export interface FlyApiConfig {
  apiToken: string;
  appName: string;
  apiUrl: string;
}

export interface FlyClientOptions {
  /** Tries per call, the first included. */
  attempts?: number;
  /** Per try. */
  timeoutMs?: number;
  /** First backoff; doubled at each retry. */
  baseDelayMs?: number;
  /** A Retry-After longer than this is not waited for: the call fails and says when to retry. */
  maxRetryAfterMs?: number;
}

const DEFAULTS: Required<FlyClientOptions> = {
  attempts: 3,
  timeoutMs: 10_000,
  baseDelayMs: 250,
  maxRetryAfterMs: 10_000,
};

const certificateBody = z.object({
  hostname: z.string(),
  status: z.string().nullish(),
  configured: z.boolean().nullish(),
  dns_requirements: z.object({
    a: z.array(z.string()).nullish(),
    aaaa: z.array(z.string()).nullish(),
    cname: z.string().nullish(),
    acme_challenge: z.object({ name: z.string(), target: z.string() }).nullish(),
    ownership: z.object({ name: z.string(), app_value: z.string().nullish() }).nullish(),
  }).nullish(),
  validation_errors: z.array(z.unknown()).nullish(),
});

export type FlyDnsRequirements = NonNullable<z.infer<typeof certificateBody>["dns_requirements"]>;
export type CertificateState = "pending" | "issued" | "failed";

export interface FlyCertificate {
  hostname: string;
  state: CertificateState;
  /** Fly's own status word, e.g. "pending_validation" or "active". */
  flyStatus: string;
  dnsRequirements: FlyDnsRequirements | null;
  /** Fly's validation errors, as text for the user. */
  problems: string[];
}

/** Fly's status words in our three states; anything unrecognised is still pending. */
export function certificateState(status: string, configured: boolean): CertificateState {
  if (/fail|error|invalid|revoked|expired/i.test(status)) return "failed";
  if (configured || /^(active|ready|issued)$/i.test(status)) return "issued";
  return "pending";
}

export function flyCertificates(config: FlyApiConfig, options: FlyClientOptions = {}) {
  const o = { ...DEFAULTS, ...options };
  const base = `${config.apiUrl.replace(/\/+$/, "")}/v1/apps/${
    encodeURIComponent(config.appName)
  }/certificates`;
  const scrub = (text: string) => text.replaceAll(config.apiToken, "[redacted]");

  async function call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> {
    let failure = "no answer";
    for (let attempt = 1; attempt <= o.attempts; attempt++) {
      let retryAfterMs: number | null = null;
      try {
        const response = await fetch(`${base}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${config.apiToken}`,
            accept: "application/json",
            ...(body !== undefined && { "content-type": "application/json" }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(o.timeoutMs),
        });
        const json = await readJson(response);
        if (response.status !== 429 && response.status < 500) {
          return { status: response.status, json };
        }
        failure = `${scrub(messageOf(json, response))} (HTTP ${response.status})`;
        retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
        if (retryAfterMs !== null && retryAfterMs > o.maxRetryAfterMs) {
          throw new DomainError(
            "BAD_GATEWAY",
            `Fly: ${failure}; try again in ${Math.ceil(retryAfterMs / 1000)} s`,
            { retryAfterSeconds: Math.ceil(retryAfterMs / 1000) },
          );
        }
      } catch (error) {
        if (error instanceof DomainError) throw error;
        failure = error instanceof DOMException && error.name === "TimeoutError"
          ? `no answer within ${o.timeoutMs / 1000} s`
          : "could not connect to the Machines API";
      }
      log.warn("fly.attempt_failed", { method, path, attempt, of: o.attempts, failure });
      if (attempt < o.attempts) {
        const backoff = backoffDelay(attempt, { baseMs: o.baseDelayMs, maxMs: 10_000 });
        await new Promise((resolve) => setTimeout(resolve, retryAfterMs ?? backoff));
      }
    }
    throw new DomainError("BAD_GATEWAY", `Fly: ${failure}, after ${o.attempts} attempts`);
  }

  /** An answer that is neither success nor a case the caller handles. */
  function refused(status: number, json: unknown): DomainError {
    const message = status === 401 || status === 403
      ? "the API token was refused (check FLY_API_TOKEN and FLY_APP_NAME)"
      : scrub(messageOf(json));
    return new DomainError("BAD_GATEWAY", `Fly: ${message}`);
  }

  function certificate(status: number, json: unknown): FlyCertificate {
    if (status < 200 || status > 299) throw refused(status, json);
    const parsed = certificateBody.safeParse(json);
    if (!parsed.success) {
      throw new DomainError("BAD_GATEWAY", "Fly: the certificate answer had an unexpected shape");
    }
    const cert = parsed.data;
    const flyStatus = cert.status ?? "unknown";
    return {
      hostname: cert.hostname,
      state: certificateState(flyStatus, cert.configured ?? false),
      flyStatus,
      dnsRequirements: cert.dns_requirements ?? null,
      problems: (cert.validation_errors ?? []).map(describeProblem).map(scrub),
    };
  }

  const hostPath = (hostname: string) => `/${encodeURIComponent(hostname)}`;

  return {
    /** `POST /certificates/acme`: adds the hostname and asks Let's Encrypt for a certificate. */
    async request(hostname: string): Promise<FlyCertificate> {
      const { status, json } = await call("POST", "/acme", { hostname });
      return certificate(status, json);
    },
    /** `POST /certificates/{hostname}/check`: a fresh validation; null when Fly has no such hostname. */
    async check(hostname: string): Promise<FlyCertificate | null> {
      const { status, json } = await call("POST", `${hostPath(hostname)}/check`);
      if (status === 404) return null;
      return certificate(status, json);
    },
    /** `DELETE /certificates/{hostname}`: the hostname and its certificates; gone already is fine. */
    async remove(hostname: string): Promise<void> {
      const { status, json } = await call("DELETE", hostPath(hostname));
      if (status === 404 || (status >= 200 && status <= 299)) return;
      throw refused(status, json);
    },
  };
}

export type FlyCertificates = ReturnType<typeof flyCertificates>;

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Fly answers errors as `{"error": "..."}`; other shapes and plain text are handled too. */
function messageOf(json: unknown, response?: Response): string {
  let message = "";
  if (typeof json === "string") message = json;
  else if (json && typeof json === "object") {
    const body = json as Record<string, unknown>;
    const found = [body.error, body.message, body.errors].find((v) => v !== undefined);
    message = typeof found === "string" ? found : found ? JSON.stringify(found) : "";
  }
  // deno-lint-ignore no-control-regex
  message = message.replace(/[\x00-\x1f\x7f]+/g, " ").trim().slice(0, 300);
  return message || (response ? `HTTP ${response.status} ${response.statusText}`.trim() : "error");
}

function describeProblem(problem: unknown): string {
  if (typeof problem === "string") return problem.slice(0, 300);
  if (problem && typeof problem === "object") {
    const p = problem as Record<string, unknown>;
    const text = [p.message, p.detail, p.error].find((v) => typeof v === "string");
    if (typeof text === "string") return text.slice(0, 300);
  }
  return JSON.stringify(problem).slice(0, 300);
}

/** Seconds or an HTTP date, in milliseconds from now; null when absent or unreadable. */
export function parseRetryAfter(value: string | null): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}
