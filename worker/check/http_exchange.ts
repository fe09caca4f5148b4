/**
 * One HTTP request/response over Deno's own sockets, connected to an address the guard
 * has already vetted, plus the bounded body scan a keyword check needs.
 *
 * fetch is not used because it resolves names itself and offers no hook between DNS and
 * connect. Here the socket is opened to the vetted IP while the Host header, SNI and
 * certificate verification all use the URL's hostname, so TLS still proves we reached
 * the named site. Every check opens a connection of its own and closes it: a pooled
 * socket would hide connect and TLS errors.
 */
import { encodeRequest, type Http1Response, sendRequest } from "./http1_client.ts";
import type { Target } from "./target_guard.ts";
import { CheckFailure, formatBytes, isUnreachable } from "./failures.ts";

export type { Http1Response } from "./http1_client.ts";

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

/**
 * Sends the request to the first address that accepts a connection and resolves with
 * the response once its headers arrive. The caller owns the response and must close
 * it. The connection is closed as soon as `signal` aborts.
 */
export async function exchange(
  target: Target,
  addresses: string[],
  request: HopRequest,
  options: ExchangeOptions,
): Promise<Http1Response> {
  // Encoded first: a header that cannot go on the wire fails before any connection.
  const bytes = encodeRequest({ ...request, host: target.host, path: target.path });
  let lastError: unknown;
  for (const address of addresses) {
    let conn: Deno.Conn;
    try {
      conn = await connect(target, address, options);
    } catch (error) {
      if (options.signal.aborted) throw options.signal.reason;
      if (!isUnreachable(error)) throw error;
      lastError = error;
      continue;
    }
    return await sendRequest(conn, bytes, request.method, options.signal);
  }
  throw lastError;
}

/** A TCP connection to `address`, with TLS verified against the URL's hostname. */
async function connect(
  target: Target,
  address: string,
  { signal, trustedCertificates }: ExchangeOptions,
): Promise<Deno.Conn> {
  signal.throwIfAborted();
  const tcp = await Deno.connect({ hostname: address, port: target.port, signal });
  if (!target.secure) return tcp;
  let tls: Deno.TlsConn | undefined;
  const onAbort = () => closeQuietly(tls ?? tcp);
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    signal.throwIfAborted();
    // For a literal-IP URL the hostname is the IP: no SNI is sent and the certificate
    // must name that IP, as browsers require.
    tls = await Deno.startTls(tcp, { hostname: target.hostname, caCerts: trustedCertificates });
    signal.throwIfAborted();
    await tls.handshake();
    return tls;
  } catch (error) {
    closeQuietly(tls ?? tcp);
    // rustls reports every certificate and protocol failure as InvalidData.
    if (signal.aborted || !(error instanceof Deno.errors.InvalidData)) throw error;
    throw new CheckFailure("tls", `TLS error: ${error.message}`);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // Already closed, or handed over to TLS.
  }
}

/** How a keyword scan ended. */
export type KeywordScan = { found: true } | { found: false; reason: string };

/**
 * Reads the body only until `keyword` appears or `maxBytes` have arrived, keeping just
 * enough text to match across chunk boundaries, so memory stays flat whatever the
 * target streams. The caller closes the response afterwards.
 */
export async function scanForKeyword(
  response: Http1Response,
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
