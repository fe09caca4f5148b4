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
 * // { outcome: "up", httpStatus: 200, responseMs: 84, errorKind: "", errorMessage: "", … }
 * ```
 *
 * Every hop (the first request and each redirect) resolves DNS, vets every address
 * and connects only to a vetted IP; see lib/http_client/target_guard.ts for why that defeats DNS
 * rebinding. The whole check, redirects and body read included, ends at `timeoutMs`.
 */
import { isReservedHeader } from "../../lib/header_policy.ts";
import {
  CheckFailure,
  type ErrorKind,
  formatBytes,
  toFailure,
} from "../../lib/http_client/failures.ts";
import { latin1Bytes } from "../../lib/http_client/http1_client.ts";
import {
  type BodyRules,
  exchange,
  type HopRequest,
  type HttpResponse,
  scanBody,
} from "../../lib/http_client/http_exchange.ts";
import {
  type AddressRule,
  defaultRule,
  parseTarget,
  type Resolver,
  systemResolve,
  vetAddresses,
} from "../../lib/http_client/target_guard.ts";
import { judgeJson } from "../../lib/json_assertion.ts";
import { checkDeadline } from "./deadline.ts";
import { BodyHead, readBodyHead, responseExcerpt } from "./response_excerpt.ts";

export type { ErrorKind } from "../../lib/http_client/failures.ts";

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
  /** When set, the body (first `maxBodyBytes`) must not contain it. */
  forbiddenKeyword?: string | null;
  /** An up check whose response took longer than this is degraded; null: never. */
  degradedMs?: number | null;
  /** When set, the body (first `maxBodyBytes`) must be JSON with a value here. */
  jsonPath?: string | null;
  /** What that value must be (lib/json_assertion.ts); null: anything but null or false. */
  jsonExpected?: string | null;
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
  /** Up, but slower than the request's `degradedMs`. */
  degraded: boolean;
  /** Where the time went, summed over every hop (redirects included), in whole ms. */
  timings: CheckTimings;
  /**
   * Whole days until the first certificate to expire among the HTTPS hops (negative:
   * expired); null when no TLS handshake completed.
   */
  certDaysLeft: number | null;
  /**
   * Of an answer that failed the check (its status, a keyword, JSON): the status, headers and
   * start of the body (response_excerpt.ts); absent otherwise, and for TCP and DNS checks.
   */
  response?: string;
}

/** The phases of a check; with `responseMs` as the total. */
export interface CheckTimings {
  dnsMs: number;
  connectMs: number;
  tlsMs: number;
  /** From the request leaving to the response headers arriving. */
  ttfbMs: number;
}

export interface CheckOptions {
  /** true turns the SSRF guard off (self-hosting, tests): `ALLOW_PRIVATE_TARGETS`. */
  allowPrivateTargets: boolean;
  /** Redirects followed before the check is down with "redirects"; default 5. */
  maxRedirects?: number;
  /** Most body bytes read for a keyword or JSON check; default 1 MiB. */
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
  const deadline = checkDeadline(req.timeoutMs, opts.signal);

  let httpStatus = 0;
  let responseMs = 0;
  // The answer's verdict, which a timeout while its excerpt is read does not change.
  let judged: CheckFailure | null = null;
  let response = "";
  const progress: Progress = {
    timings: { dnsMs: 0, connectMs: 0, tlsMs: 0, ttfbMs: 0 },
    certDaysLeft: null,
  };
  const measured = () => ({
    timings: roundTimings(progress.timings),
    certDaysLeft: progress.certDaysLeft,
  });
  try {
    const final = await followRedirects(req, opts, deadline.signal, progress);
    httpStatus = final.status;
    responseMs = Math.round(final.headersAt - started);
    const head = new BodyHead();
    try {
      judgeStatus(final.status, req.expectedStatus);
      const rules = { keyword: req.keyword ?? "", forbiddenKeyword: req.forbiddenKeyword ?? "" };
      const maxBytes = opts.maxBodyBytes ?? 1024 * 1024;
      if (req.jsonPath) {
        await judgeJsonBody(final.response, req, rules, maxBytes, head);
      } else if (rules.keyword !== "" || rules.forbiddenKeyword !== "") {
        const broken = await scanBody(final.response, rules, maxBytes, (chunk) => head.add(chunk));
        if (broken) throw new CheckFailure("keyword", broken);
      }
    } catch (error) {
      if (
        error instanceof CheckFailure &&
        (error.kind === "status" || error.kind === "keyword" || error.kind === "json")
      ) {
        judged = error;
        const read = error.kind === "status" ? await readBodyHead(final.response) : head;
        response = responseExcerpt(final.response, read);
      }
      throw error;
    } finally {
      // Without a keyword the body is never read: closing here frees the socket even
      // when the target would stream forever.
      final.response.close();
    }
    return {
      outcome: "up",
      httpStatus,
      responseMs,
      errorKind: "",
      errorMessage: "",
      degraded: req.degradedMs != null && responseMs > req.degradedMs,
      ...measured(),
    };
  } catch (error) {
    const failure = judged ?? toFailure(deadline.signal.aborted ? deadline.signal.reason : error);
    return {
      outcome: "down",
      httpStatus,
      responseMs: httpStatus ? responseMs : elapsed(),
      errorKind: failure.kind,
      errorMessage: failure.message,
      degraded: false,
      ...measured(),
      response,
    };
  } finally {
    deadline.end();
  }
}

/**
 * Reads the whole body (JSON is judged whole, up to `maxBytes`), then the keywords and
 * the JSON assertion; throws the first that fails.
 */
async function judgeJsonBody(
  response: HttpResponse,
  req: CheckRequest,
  rules: BodyRules,
  maxBytes: number,
  head: BodyHead,
): Promise<void> {
  const decoder = new TextDecoder();
  let text = "";
  let received = 0;
  for await (const chunk of response.body()) {
    received += chunk.length;
    if (received > maxBytes) {
      throw new CheckFailure("json", `the response body is over ${formatBytes(maxBytes)}`);
    }
    head.add(chunk);
    text += decoder.decode(chunk, { stream: true });
  }
  text += decoder.decode();
  if (rules.forbiddenKeyword !== "" && text.includes(rules.forbiddenKeyword)) {
    throw new CheckFailure("keyword", "forbidden keyword found in response body");
  }
  if (!text.includes(rules.keyword)) {
    throw new CheckFailure("keyword", "keyword not found in response body");
  }
  const broken = judgeJson(text, req.jsonPath!, req.jsonExpected ?? null);
  if (broken) throw new CheckFailure("json", broken);
}

/** What a check learnt along the way, kept even when it fails later. */
interface Progress {
  timings: CheckTimings;
  certDaysLeft: number | null;
}

interface FinalResponse {
  status: number;
  response: HttpResponse;
  /** performance.now() when the final response headers arrived. */
  headersAt: number;
}

async function followRedirects(
  req: CheckRequest,
  opts: CheckOptions,
  signal: AbortSignal,
  progress: Progress,
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
    const resolving = performance.now();
    const addresses = await vetAddresses(target, guard);
    progress.timings.dnsMs += performance.now() - resolving;
    const done = await exchange(target, addresses, hop, {
      signal,
      trustedCertificates: opts.trustedCertificates,
    });
    const headersAt = performance.now();
    const { response } = done;
    progress.timings.connectMs += done.connectMs;
    progress.timings.tlsMs += done.tlsMs;
    progress.timings.ttfbMs += done.ttfbMs;
    if (done.certificate) {
      const days = Math.floor((done.certificate.validTo.getTime() - Date.now()) / 86_400_000);
      progress.certDaysLeft = Math.min(progress.certDaysLeft ?? days, days);
    }
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
    const next = parseTarget(locationText(location), target.url);
    hop = redirectedRequest(hop, status, next.url.origin !== target.url.origin);
    target = next;
  }
}

/**
 * A Location value as URL text. Header values arrive as latin1 text of their bytes;
 * servers put raw UTF-8 in Location, which curl and browsers send percent-encoded as
 * those same bytes. Decoding as UTF-8 first lets URL parsing encode it once, not twice;
 * bytes that are not UTF-8 are percent-encoded one by one, as curl does.
 */
export function locationText(raw: string): string {
  if (!/[\x80-\xff]/.test(raw)) return raw;
  const bytes = latin1Bytes(raw);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return [...bytes].map((byte) =>
      byte >= 0x80 ? `%${byte.toString(16).toUpperCase()}` : String.fromCharCode(byte)
    ).join("");
  }
}

function roundTimings(timings: CheckTimings): CheckTimings {
  return {
    dnsMs: Math.round(timings.dnsMs),
    connectMs: Math.round(timings.connectMs),
    tlsMs: Math.round(timings.tlsMs),
    ttfbMs: Math.round(timings.ttfbMs),
  };
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
