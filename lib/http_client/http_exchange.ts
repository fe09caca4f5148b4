/**
 * One HTTP request/response, over HTTP/1.1 or HTTP/2 as the server's ALPN answer says,
 * on a connection to an address the guard has already vetted, plus the bounded body
 * scan a keyword check needs.
 *
 * fetch is not used because it resolves names itself and offers no hook between DNS and
 * connect. Here the socket is opened to the vetted IP while the Host header, SNI and
 * certificate verification all use the URL's hostname, so TLS still proves we reached
 * the named site. Every check opens a connection of its own and closes it: a pooled
 * socket would hide connect and TLS errors.
 */
import { encodeRequest, type HttpResponse, sendRequest } from "./http1_client.ts";
import { sendHttp2Request } from "./http2_client.ts";
import { type Certificate, openConnection } from "./connect.ts";
import type { Target } from "./target_guard.ts";
import { formatBytes } from "./failures.ts";

export type { HttpResponse } from "./http1_client.ts";

/** What goes on the wire for one hop. */
export interface HopRequest {
  method: string;
  headers: Record<string, string>;
  body: string | null;
}

export interface ExchangeOptions {
  signal: AbortSignal;
  /** PEM certificates trusted in addition to the system roots. */
  trustedCertificates?: string[];
}

/** A response whose headers arrived, and how long each phase of getting it took. */
export interface Exchange {
  response: HttpResponse;
  connectMs: number;
  tlsMs: number;
  /** From the request leaving to the response headers arriving. */
  ttfbMs: number;
  certificate: Certificate | null;
  protocol: "http/1.1" | "h2";
}

/**
 * Connects to one of `addresses` and resolves once the response headers arrive. The
 * caller owns the response and must close it. Everything is closed as soon as `signal`
 * aborts.
 */
export async function exchange(
  target: Target,
  addresses: string[],
  request: HopRequest,
  options: ExchangeOptions,
): Promise<Exchange> {
  // Encoded first: a header that cannot go on the wire fails before any connection.
  const bytes = encodeRequest({ ...request, host: target.host, path: target.path });
  const connection = await openConnection(target, addresses, options);
  const sent = performance.now();
  const response = connection.protocol === "h2"
    ? await sendHttp2Request(
      connection.socket,
      { ...request, host: target.host, path: target.path },
      options.signal,
    )
    : await sendRequest(connection.stream, bytes, request.method, options.signal);
  return {
    response,
    connectMs: connection.connectMs,
    tlsMs: connection.tlsMs,
    ttfbMs: performance.now() - sent,
    certificate: connection.certificate,
    protocol: connection.protocol,
  };
}

/** What a body must and must not hold; either may be empty (not checked). */
export interface BodyRules {
  keyword: string;
  forbiddenKeyword: string;
}

/**
 * Reads the body only as far as the rules need (until the keyword appears, or up to
 * `maxBytes` when a forbidden keyword must be absent), keeping just enough text to match
 * across chunk boundaries, so memory stays flat whatever the target streams. Returns why
 * the body breaks a rule, or null. The caller closes the response afterwards. `seen` is
 * shown each chunk as it is read (valid only during the call).
 */
export async function scanBody(
  response: HttpResponse,
  rules: BodyRules,
  maxBytes: number,
  seen?: (chunk: Uint8Array) => void,
): Promise<string | null> {
  const { keyword, forbiddenKeyword } = rules;
  const decoder = new TextDecoder();
  const overlap = Math.max(keyword.length, forbiddenKeyword.length) - 1;
  let carry = "";
  let received = 0;
  let found = keyword === "";
  // Why the text seen so far breaks a rule for good, or null.
  const search = (text: string): string | null => {
    const window = carry + text;
    if (forbiddenKeyword !== "" && window.includes(forbiddenKeyword)) {
      return "forbidden keyword found in response body";
    }
    if (!found && window.includes(keyword)) found = true;
    carry = overlap > 0 ? window.slice(-overlap) : "";
    return null;
  };

  for await (const chunk of response.body()) {
    const part = chunk.subarray(0, maxBytes - received);
    received += part.length;
    seen?.(part);
    const broken = search(decoder.decode(part, { stream: true }));
    if (broken) return broken;
    // Nothing more to learn: the keyword is here and nothing is forbidden.
    if (found && forbiddenKeyword === "") return null;
    if (received >= maxBytes) {
      return found ? null : `keyword not found in first ${formatBytes(maxBytes)}`;
    }
  }
  const broken = search(decoder.decode());
  if (broken) return broken;
  return found ? null : "keyword not found in response body";
}
