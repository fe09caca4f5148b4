/**
 * Opens the connection of one hop to addresses the guard has already vetted: TCP to
 * the first address that answers, then TLS (with ALPN, so HTTP/2-only servers get
 * HTTP/2) verified against the URL's hostname.
 *
 * Addresses are tried the way curl and browsers do (RFC 8305, "Happy Eyeballs"): the
 * next address starts 250 ms after the previous one unless that one already failed,
 * and the first to connect wins. A round-robin name whose first address silently drops
 * connections therefore costs a quarter second, not the whole check timeout.
 *
 * Plain TCP uses Deno's own sockets (the cheapest path, and the one the worker bench
 * measures). TLS uses node:tls, because Deno.startTls exposes neither the peer
 * certificate (its expiry is stored with every check) nor a reason a user can act on.
 */
import net from "node:net";
import tls from "node:tls";
import { ipVersion } from "../address_policy.ts";
import type { ByteStream } from "./byte_stream.ts";
import { fromNodeSocket } from "./byte_stream.ts";
import { CheckFailure, toFailure } from "./failures.ts";
import type { Target } from "./target_guard.ts";

export interface ConnectOptions {
  signal: AbortSignal;
  /** PEM certificates trusted in addition to the system roots. */
  trustedCertificates?: string[];
}

/** An open connection, ready for one request. */
export type Connection =
  & { connectMs: number; tlsMs: number; certificate: Certificate | null }
  & ({ protocol: "http/1.1"; stream: ByteStream } | { protocol: "h2"; socket: tls.TLSSocket });

export interface Certificate {
  /** When the server's certificate stops being valid. */
  validTo: Date;
}

/** RFC 8305's recommended delay between two connection attempts. */
export const attemptDelayMs = 250;

/** Connects to one of `addresses` (in order, overlapping) and negotiates TLS for https. */
export async function openConnection(
  target: Target,
  addresses: string[],
  options: ConnectOptions,
): Promise<Connection> {
  const started = performance.now();
  if (!target.secure) {
    const conn = await raceAddresses(
      addresses,
      (address, signal) => connectTcp(address, target.port, signal),
      (conn) => conn.close(),
      options.signal,
    );
    const connectMs = performance.now() - started;
    return { protocol: "http/1.1", stream: conn, connectMs, tlsMs: 0, certificate: null };
  }
  const tcp = await raceAddresses(
    addresses,
    (address, signal) => nodeConnect(address, target.port, signal),
    (socket) => socket.destroy(),
    options.signal,
  );
  const connected = performance.now();
  const socket = await startTls(tcp, target.hostname, options);
  const tlsMs = performance.now() - connected;
  const peer = socket.getPeerCertificate();
  const validTo = peer?.valid_to ? new Date(peer.valid_to) : null;
  const certificate = validTo && !Number.isNaN(validTo.getTime()) ? { validTo } : null;
  const connectMs = connected - started;
  return socket.alpnProtocol === "h2"
    ? { protocol: "h2", socket, connectMs, tlsMs, certificate }
    : { protocol: "http/1.1", stream: fromNodeSocket(socket), connectMs, tlsMs, certificate };
}

/**
 * The first successful `attempt`, starting one per address, each {@link attemptDelayMs}
 * after the previous or as soon as it failed. Losers are cancelled (or disposed when
 * they connect anyway); when every attempt fails, the last error is thrown.
 */
export function raceAddresses<T>(
  addresses: string[],
  attempt: (address: string, signal: AbortSignal) => Promise<T>,
  dispose: (value: T) => void,
  signal: AbortSignal,
): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  // One address (a literal IP, most names): nothing to race, nothing to set up.
  if (addresses.length === 1) return attempt(addresses[0], signal);
  return new Promise<T>((resolve, reject) => {
    const attempts: AbortController[] = [];
    let started = 0;
    let running = 0;
    let settled = false;
    let lastError: unknown = new CheckFailure("dns", "no addresses to connect to");
    let timer: ReturnType<typeof setTimeout> | undefined;
    const settle = () => {
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      for (const controller of attempts) controller.abort();
    };
    const onAbort = () => {
      if (settled) return;
      settle();
      reject(signal.reason);
    };
    const startNext = () => {
      clearTimeout(timer);
      if (settled || started >= addresses.length) return;
      const controller = new AbortController();
      attempts.push(controller);
      running++;
      attempt(addresses[started++], controller.signal).then((value) => {
        running--;
        if (settled) return dispose(value);
        settle();
        resolve(value);
      }, (error) => {
        running--;
        if (settled) return;
        lastError = error;
        if (started < addresses.length) startNext();
        else if (running === 0) {
          settle();
          reject(lastError);
        }
      });
      if (started < addresses.length) timer = setTimeout(startNext, attemptDelayMs);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    startNext();
  });
}

/** A TCP connection to one vetted address; a failure names the address, as curl's do. */
export function connectTcp(
  address: string,
  port: number,
  signal: AbortSignal,
): Promise<Deno.TcpConn> {
  return Deno.connect({ hostname: address, port, signal }).catch((error) => {
    throw toFailure(error, peerText(address, port));
  });
}

/** "203.0.113.7:443", "[2001:db8::1]:443". */
function peerText(address: string, port: number): string {
  return ipVersion(address) === 6 ? `[${address}]:${port}` : `${address}:${port}`;
}

function nodeConnect(address: string, port: number, signal: AbortSignal): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: address, port });
    const onAbort = () => {
      socket.destroy();
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    socket.once("connect", () => {
      signal.removeEventListener("abort", onAbort);
      socket.removeAllListeners("error");
      resolve(socket);
    });
    socket.once("error", (error) => {
      signal.removeEventListener("abort", onAbort);
      reject(toFailure(error, peerText(address, port)));
    });
  });
}

function startTls(
  tcp: net.Socket,
  hostname: string,
  { signal, trustedCertificates }: ConnectOptions,
): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      socket: tcp,
      // The certificate is checked against `host`; SNI carries names only, never an IP.
      host: hostname,
      servername: ipVersion(hostname) === 0 ? hostname : undefined,
      ALPNProtocols: ["h2", "http/1.1"],
      // node replaces the system roots with `ca`; a private CA is trusted in addition.
      ca: trustedCertificates?.length
        ? [...tls.rootCertificates, ...trustedCertificates]
        : undefined,
      // Verified below, before a byte is sent, with the certificate at hand: Deno's
      // node:tls reports an expired certificate only as "unable to verify".
      rejectUnauthorized: false,
    });
    const fail = (error: unknown) => {
      signal.removeEventListener("abort", onAbort);
      socket.destroy();
      tcp.destroy();
      reject(signal.aborted ? signal.reason : tlsFailure(error, hostname));
    };
    const onAbort = () => fail(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    socket.once("error", fail);
    socket.once("secureConnect", () => {
      const problem = certificateProblem(socket, hostname);
      if (problem) return fail(problem);
      signal.removeEventListener("abort", onAbort);
      socket.removeListener("error", fail);
      resolve(socket);
    });
  });
}

/** Why the peer's certificate is not acceptable for `hostname`, or null. */
function certificateProblem(socket: tls.TLSSocket, hostname: string): CheckFailure | null {
  const peer = socket.getPeerCertificate();
  const mismatch = peer?.subject ? tls.checkServerIdentity(hostname, peer) : undefined;
  if (socket.authorized && !mismatch) return null;
  const now = Date.now();
  if (peer?.valid_to && Date.parse(peer.valid_to) < now) {
    return new CheckFailure("tls", `TLS certificate has expired (on ${isoDay(peer.valid_to)})`);
  }
  if (peer?.valid_from && Date.parse(peer.valid_from) > now) {
    return new CheckFailure("tls", `TLS certificate is not valid until ${isoDay(peer.valid_from)}`);
  }
  if (mismatch) {
    return new CheckFailure(
      "tls",
      `TLS certificate does not match ${hostname}: ${mismatch.message}`,
    );
  }
  const code = String(socket.authorizationError ?? "unknown reason");
  return tlsFailure(Object.assign(new Error(code), { code }), hostname);
}

function isoDay(text: string): string {
  return new Date(text).toISOString().slice(0, 10);
}

/** A TLS failure in words a user can act on; the library's own text comes last. */
export function tlsFailure(error: unknown, hostname: string): CheckFailure {
  if (error instanceof CheckFailure) return error;
  const code = typeof error === "object" && error !== null
    ? String((error as { code?: unknown }).code ?? "")
    : "";
  const detail = error instanceof Error ? error.message : String(error);
  if (code === "CERT_HAS_EXPIRED") return new CheckFailure("tls", "TLS certificate has expired");
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    return new CheckFailure("tls", `TLS certificate does not match ${hostname}: ${detail}`);
  }
  if (/SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|UNKNOWN_?ISSUER|UnknownIssuer/i.test(code + detail)) {
    return new CheckFailure(
      "tls",
      `TLS certificate is not trusted: it is not signed by a known certificate authority (${
        code || detail
      })`,
    );
  }
  if (/HandshakeFailure|HANDSHAKE_FAILURE|InsufficientSecurity/i.test(code + detail)) {
    // rustls, under Deno's TLS, has no RSA key exchange and no TLS 1.0/1.1. A server that
    // offers nothing else refuses the handshake without saying which part it disliked.
    return new CheckFailure(
      "tls",
      "TLS handshake refused: the server accepts none of our cipher suites (TLS 1.2+ with " +
        "forward secrecy). Servers offering only legacy RSA key exchange or TLS 1.0/1.1 fail " +
        "this way; enable ECDHE cipher suites on the server",
    );
  }
  return new CheckFailure("tls", `TLS error: ${detail}`);
}
