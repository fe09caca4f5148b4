/**
 * Performs one HTTP check of a monitored website, behind the SSRF guard.
 *
 * ```ts
 * import { runCheck } from "./worker/check/mod.ts";
 *
 * const result = await runCheck(
 *   { url: "https://example.com/health", method: "GET", headers: {}, body: null,
 *     timeoutMs: 10_000, expectedStatus: null, keyword: "ok" },
 *   { allowPrivateTargets: false },
 * );
 * // { outcome: "up", httpStatus: 200, responseMs: 84, errorKind: "", errorMessage: "" }
 * ```
 *
 * Every hop (the first request and each redirect) resolves DNS, vets every address
 * and connects only to a vetted IP; see target_guard.ts for why that defeats DNS
 * rebinding. The whole check, redirects and body read included, ends at `timeoutMs`.
 */
import { isReservedHeader } from "../../lib/header_policy.ts";
import { CheckFailure, type ErrorKind, toFailure } from "./failures.ts";
import { exchange, type HopRequest, type Http1Response, scanForKeyword } from "./http_exchange.ts";
import {
  type AddressRule,
  defaultRule,
  parseTarget,
  type Resolver,
  systemResolve,
  vetAddresses,
} from "./target_guard.ts";

export type { ErrorKind } from "./failures.ts";

/** What to check: a website's request and what counts as up. */
export interface CheckRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | null;
  timeoutMs: number;
  /** null: any final 2xx or 3xx is up. */
  expectedStatus: number | null;
  /** When set, the body (first `maxBodyBytes`, UTF-8) must contain it. */
  keyword: string | null;
}

export interface CheckResult {
  outcome: "up" | "down";
  /** Status of the final response; 0 when none arrived. */
  httpStatus: number;
  /** Milliseconds from the start of the check to the final response headers (or to the failure). */
  responseMs: number;
  errorKind: ErrorKind | "";
  /** One line, at most 300 characters; "" when up. */
  errorMessage: string;
}

export interface CheckOptions {
  /** true turns the SSRF guard off (self-hosting, tests): `ALLOW_PRIVATE_TARGETS`. */
  allowPrivateTargets: boolean;
  /** Redirects followed before the check is down with "redirects"; default 5. */
  maxRedirects?: number;
  /** Most body bytes read for a keyword check; default 1 MiB. */
  maxBodyBytes?: number;
  /** Hostname to addresses; default: the system resolver (A and AAAA). */
  resolve?: Resolver;
  /** Aborts the check early (worker shutdown); the result is then a "timeout". */
  signal?: AbortSignal;
  /**
   * Replaces the guard's address rule: why `ip` is refused, or null. Lets a test treat
   * one loopback address as public; ignored when `allowPrivateTargets` is true.
   */
  addressRule?: AddressRule;
  /** PEM certificates trusted in addition to the system roots (private CAs, tests). */
  trustedCertificates?: string[];
}

/** Sent unless the website sets its own User-Agent. */
export const defaultUserAgent = "UptimeBot/1.0 (+https://github.com/uptime)";

const redirectStatuses = new Set([301, 302, 303, 307, 308]);
// Credentials must not follow a redirect to another origin.
const originBoundHeaders = new Set(["authorization", "cookie", "proxy-authorization"]);

/** Runs one check. Never throws: every failure is a "down" result with a kind. */
export async function runCheck(req: CheckRequest, opts: CheckOptions): Promise<CheckResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const timeoutMs = Number.isFinite(req.timeoutMs) && req.timeoutMs > 0 ? req.timeoutMs : 1;
  const deadline = new AbortController();
  const timer = setTimeout(() => {
    deadline.abort(new CheckFailure("timeout", `timed out after ${timeoutMs} ms`));
  }, timeoutMs);
  const onOuterAbort = () => deadline.abort(new CheckFailure("timeout", "check aborted"));
  if (opts.signal?.aborted) onOuterAbort();
  opts.signal?.addEventListener("abort", onOuterAbort, { once: true });

  let httpStatus = 0;
  let responseMs = 0;
  try {
    const final = await followRedirects(req, opts, deadline.signal);
    httpStatus = final.status;
    responseMs = Math.round(final.headersAt - started);
    try {
      judgeStatus(final.status, req.expectedStatus);
      const keyword = req.keyword ?? "";
      if (keyword !== "") {
        const maxBytes = opts.maxBodyBytes ?? 1024 * 1024;
        const scan = await scanForKeyword(final.response, keyword, maxBytes);
        if (!scan.found) throw new CheckFailure("keyword", scan.reason);
      }
    } finally {
      // Without a keyword the body is never read: closing here frees the socket even
      // when the target would stream forever.
      final.response.close();
    }
    return { outcome: "up", httpStatus, responseMs, errorKind: "", errorMessage: "" };
  } catch (error) {
    const failure = toFailure(deadline.signal.aborted ? deadline.signal.reason : error);
    return {
      outcome: "down",
      httpStatus,
      responseMs: httpStatus ? responseMs : elapsed(),
      errorKind: failure.kind,
      errorMessage: failure.message,
    };
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener("abort", onOuterAbort);
  }
}

interface FinalResponse {
  status: number;
  response: Http1Response;
  /** performance.now() when the final response headers arrived. */
  headersAt: number;
}

async function followRedirects(
  req: CheckRequest,
  opts: CheckOptions,
  signal: AbortSignal,
): Promise<FinalResponse> {
  const maxRedirects = opts.maxRedirects ?? 5;
  const guard = {
    resolve: opts.resolve ?? systemResolve,
    rule: opts.allowPrivateTargets ? null : opts.addressRule ?? defaultRule,
    signal,
  };
  let target = parseTarget(req.url);
  let hop: HopRequest = {
    method: req.method.toUpperCase() || "GET",
    headers: prepareHeaders(req.headers),
    body: req.body,
  };

  for (let redirects = 0;; redirects++) {
    const addresses = await vetAddresses(target, guard);
    const response = await exchange(target, addresses, hop, {
      signal,
      trustedCertificates: opts.trustedCertificates,
    });
    const headersAt = performance.now();
    const { status } = response;
    const location = response.headers.get("location");
    // A monitor that expects a redirect status is satisfied by it, not by its target.
    if (!redirectStatuses.has(status) || !location || status === req.expectedStatus) {
      return { status, response, headersAt };
    }
    response.close();
    if (redirects >= maxRedirects) {
      throw new CheckFailure("redirects", `more than ${maxRedirects} redirects (last: ${status})`);
    }
    const next = parseTarget(location, target.url);
    hop = redirectedRequest(hop, status, next.url.origin !== target.url.origin);
    target = next;
  }
}

/** 301/302/303 become a body-less GET (HEAD stays HEAD); 307/308 repeat the request. */
function redirectedRequest(hop: HopRequest, status: number, crossOrigin: boolean): HopRequest {
  const headers = { ...hop.headers };
  if (crossOrigin) {
    for (const name of originBoundHeaders) delete headers[name];
  }
  if (status === 307 || status === 308) return { ...hop, headers };
  delete headers["content-type"];
  return { method: hop.method === "HEAD" ? "HEAD" : "GET", headers, body: null };
}

function prepareHeaders(headers: Record<string, string>): Record<string, string> {
  const prepared: Record<string, string> = { "user-agent": defaultUserAgent };
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    // Websites stored before the rule tightened may still hold a reserved header.
    if (!isReservedHeader(key)) prepared[key] = value;
  }
  return prepared;
}

function judgeStatus(status: number, expected: number | null): void {
  if (expected !== null) {
    if (status !== expected) {
      throw new CheckFailure("status", `expected ${expected}, got ${status}`);
    }
  } else if (status < 200 || status >= 400) {
    throw new CheckFailure("status", `expected 2xx or 3xx, got ${status}`);
  }
}
