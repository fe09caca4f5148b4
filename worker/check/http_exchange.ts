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

/** How a keyword scan ended. */
export type KeywordScan = { found: true } | { found: false; reason: string };

/**
 * Reads the body only until `keyword` appears or `maxBytes` have arrived, keeping just
 * enough text to match across chunk boundaries, so memory stays flat whatever the
 * target streams. The caller closes the response afterwards.
 */
export async function scanForKeyword(
  response: HttpResponse,
  keyword: string,
  maxBytes: number,
): Promise<KeywordScan> {
  const decoder = new TextDecoder();
  const overlap = keyword.length - 1;
  let carry = "";
  let received = 0;
  const search = (text: string): boolean => {
    const window = carry + text;
    if (window.includes(keyword)) return true;
    carry = overlap > 0 ? window.slice(-overlap) : "";
    return false;
  };

  for await (const chunk of response.body()) {
    const part = chunk.subarray(0, maxBytes - received);
    received += part.length;
    if (search(decoder.decode(part, { stream: true }))) return { found: true };
    if (received >= maxBytes) {
      return { found: false, reason: `keyword not found in first ${formatBytes(maxBytes)}` };
    }
  }
  return search(decoder.decode())
    ? { found: true }
    : { found: false, reason: "keyword not found in response body" };
}
