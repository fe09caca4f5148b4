/**
 * One HTTP request/response over node:http(s), connected to an address the guard has
 * already vetted, plus the bounded body scan a keyword check needs.
 *
 * node:http is used instead of fetch because fetch resolves names itself and offers no
 * hook between DNS and connect. Here the socket is opened to the vetted IP while the
 * Host header, SNI and certificate verification all use the URL's hostname, so TLS
 * still proves we reached the named site.
 */
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import { Buffer } from "node:buffer";
import { ipVersion } from "./address_policy.ts";
import type { Target } from "./target_guard.ts";
import { CheckFailure, formatBytes, isUnreachable } from "./failures.ts";

/** What goes on the wire for one hop. */
export interface HopRequest {
  method: string;
  headers: Record<string, string>;
  body: string | null;
}

// Shared agents only to skip building an Agent per request (about a third of a
// loopback check's cost). They never reuse a connection: keepAlive is off, and with
// no socket limit no request waits for another's socket. TLS sessions are not cached
// either, so every check performs a full handshake and sees the certificate.
const plainAgent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
const tlsAgent = new https.Agent({ keepAlive: false, maxSockets: Infinity, maxCachedSessions: 0 });

export interface ExchangeOptions {
  signal: AbortSignal;
  /** PEM certificates trusted instead of the system roots; undefined keeps the roots. */
  trustedCertificates?: string[];
}

/**
 * Sends the request to the first address that accepts a connection and resolves with
 * the response once its headers arrive. The caller owns the response and must
 * destroy it. The request is torn down as soon as `signal` aborts.
 */
export async function exchange(
  target: Target,
  addresses: string[],
  request: HopRequest,
  options: ExchangeOptions,
): Promise<IncomingMessage> {
  let lastError: unknown;
  for (const address of addresses) {
    try {
      return await exchangeWith(target, address, request, options);
    } catch (error) {
      if (!isUnreachable(error)) throw error;
      lastError = error;
    }
  }
  throw lastError;
}

function exchangeWith(
  target: Target,
  address: string,
  request: HopRequest,
  options: ExchangeOptions,
): Promise<IncomingMessage> {
  const { signal } = options;
  if (signal.aborted) return Promise.reject(signal.reason);
  const headers: Record<string, string> = { ...request.headers, host: target.host };
  if (request.body !== null) {
    headers["content-length"] = String(Buffer.byteLength(request.body));
  }
  const transport = target.secure ? https : http;
  const agent = target.secure ? tlsAgent : plainAgent;
  // SNI must not carry an IP; for a literal-IP URL the certificate is checked
  // against the IP itself, as browsers do.
  const servername = ipVersion(target.hostname) === 0 ? target.hostname : undefined;

  return new Promise<IncomingMessage>((resolve, reject) => {
    let settled = false;
    const outgoing = transport.request({
      host: address,
      family: ipVersion(address) || undefined,
      port: target.port,
      method: request.method,
      path: target.path,
      headers,
      servername,
      ca: options.trustedCertificates,
      // A fresh connection per check (see the agents above): pooled sockets would hide
      // connect and TLS errors and keep sockets of abandoned bodies alive.
      agent,
    });
    const onAbort = () => {
      outgoing.destroy();
      finish(() => reject(signal.reason));
    };
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener("abort", onAbort);
      settle();
    };
    signal.addEventListener("abort", onAbort, { once: true });
    outgoing.on("response", (response) => {
      // A late socket error must not become an unhandled 'error' event.
      response.on("error", () => {});
      finish(() => resolve(response));
    });
    outgoing.on("error", (error) => finish(() => reject(error)));
    outgoing.end(request.body ?? undefined);
  });
}

/** How a keyword scan ended. */
export type KeywordScan = { found: true } | { found: false; reason: string };

/**
 * Reads the body only until `keyword` appears or `maxBytes` have arrived, keeping just
 * enough text to match across chunk boundaries, so memory stays flat whatever the
 * target streams. The response is destroyed when the scan ends.
 */
export function scanForKeyword(
  response: IncomingMessage,
  keyword: string,
  maxBytes: number,
  signal: AbortSignal,
): Promise<KeywordScan> {
  if (signal.aborted) return Promise.reject(signal.reason);
  const decoder = new TextDecoder();
  const overlap = keyword.length - 1;
  let carry = "";
  let received = 0;

  return new Promise<KeywordScan>((resolve, reject) => {
    let settled = false;
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener("abort", onAbort);
      response.removeAllListeners("data");
      response.destroy();
      settle();
    };
    const onAbort = () => finish(() => reject(signal.reason));
    signal.addEventListener("abort", onAbort, { once: true });

    const search = (text: string): boolean => {
      const window = carry + text;
      if (window.includes(keyword)) return true;
      carry = overlap > 0 ? window.slice(-overlap) : "";
      return false;
    };

    response.on("data", (chunk: Buffer) => {
      const room = maxBytes - received;
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      received += part.length;
      if (search(decoder.decode(part, { stream: true }))) {
        return finish(() => resolve({ found: true }));
      }
      if (received >= maxBytes) {
        finish(() =>
          resolve({ found: false, reason: `keyword not found in first ${formatBytes(maxBytes)}` })
        );
      }
    });
    response.on("end", () => {
      const found = search(decoder.decode());
      finish(() =>
        resolve(found ? { found } : { found, reason: "keyword not found in response body" })
      );
    });
    response.on("error", (error) => finish(() => reject(error)));
    response.on("close", () => {
      if (!response.complete) {
        finish(() =>
          reject(new CheckFailure("connection", "connection closed while reading the body"))
        );
      }
    });
  });
}
