/**
 * The SSRF guard: turns a URL into the exact IP addresses a check may connect to.
 *
 * DNS is resolved here, once per hop, and every address is vetted before any socket
 * exists. The request then connects to one of these vetted addresses, never to the
 * hostname, so a DNS answer that changes between the check and the connect (rebinding)
 * cannot reach anything this guard did not approve. Literal IPs in the URL, including
 * forms URL parsing normalises (`http://2130706433/` is 127.0.0.1), go through the
 * same rule.
 */
import { lookup } from "node:dns/promises";
import { blockReason, ipVersion } from "../address_policy.ts";
import { portProblem } from "../port_policy.ts";
import { readTcpTarget } from "../tcp_target.ts";
import { CheckFailure, toFailure } from "./failures.ts";

/** A parsed http(s) URL, ready to connect to. */
export interface Target {
  url: URL;
  secure: boolean;
  /** Hostname without IPv6 brackets: what DNS, SNI and certificate checks see. */
  hostname: string;
  port: number;
  /** The Host header: hostname plus port when it is not the scheme's default. */
  host: string;
  /** Path and query; the fragment never leaves the client. */
  path: string;
}

/** Maps a hostname to IP addresses (A and AAAA). */
export type Resolver = (hostname: string) => Promise<string[]>;

/** Why an address is refused, or null; see {@link blockReason}. */
export type AddressRule = (ip: string) => string | null;

export interface GuardOptions {
  resolve: Resolver;
  /** null when private targets are allowed (self-hosting, tests). */
  rule: AddressRule | null;
  signal: AbortSignal;
}

// A few addresses are enough to get past one dead address family; more only slows
// down a check against a host that is really down.
const maxAddresses = 4;

/** Parses and checks a monitor URL (absolute, or relative to `base` for redirects). */
export function parseTarget(raw: string, base?: URL): Target {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    throw new CheckFailure("invalid", `invalid URL: ${raw}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new CheckFailure("invalid", `unsupported scheme ${url.protocol} (only http and https)`);
  }
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  if (!hostname) throw new CheckFailure("invalid", `URL has no host: ${raw}`);
  const secure = url.protocol === "https:";
  const port = url.port ? Number(url.port) : secure ? 443 : 80;
  // Checked on every hop: a redirect to a mail port is refused like a URL with one.
  const badPort = portProblem(port);
  if (badPort) throw new CheckFailure("blocked", `blocked: ${badPort}`);
  return {
    url,
    secure,
    hostname,
    port,
    host: url.host,
    path: `${url.pathname || "/"}${url.search}`,
  };
}

/**
 * Parses a TCP monitor's target, `tcp://host:port`. The host goes through URL parsing
 * as for http, so every IP spelling is normalised before the guard sees it.
 */
export function parseTcpTarget(raw: string): Target {
  const target = /^tcp:\/\//i.test(raw.trim()) ? readTcpTarget(raw) : null;
  if (!target) {
    throw new CheckFailure("invalid", `invalid TCP target (expected tcp://host:port): ${raw}`);
  }
  const badPort = portProblem(target.port);
  if (badPort) throw new CheckFailure("blocked", `blocked: ${badPort}`);
  const url = new URL(`http://${target.host}`);
  return {
    url,
    secure: false,
    hostname: target.hostname,
    port: target.port,
    host: target.host,
    path: "/",
  };
}

/**
 * The addresses the check may connect to, IPv4 first. Throws a "blocked" failure when
 * any resolved address breaks the rule: a name that also points inside the network is
 * refused as a whole rather than filtered, so the result never depends on which
 * address happened to be tried.
 */
export async function vetAddresses(target: Target, guard: GuardOptions): Promise<string[]> {
  const literal = ipVersion(target.hostname) !== 0;
  const addresses = literal
    ? [target.hostname]
    : await raceAbort(resolveSafely(guard.resolve, target.hostname), guard.signal);

  const usable = addresses.filter((address) => ipVersion(address) !== 0);
  if (usable.length === 0) {
    throw new CheckFailure("dns", `DNS lookup failed: no addresses for ${target.hostname}`);
  }
  if (guard.rule) {
    for (const address of usable) {
      const reason = guard.rule(address);
      if (reason === null) continue;
      // A name's private address is not shown: it would map the network behind us.
      throw new CheckFailure(
        "blocked",
        literal
          ? `blocked: ${address} is ${reason}`
          : `blocked: ${target.hostname} resolves to ${reason}`,
      );
    }
  }
  const ordered = [
    ...usable.filter((address) => ipVersion(address) === 4),
    ...usable.filter((address) => ipVersion(address) === 6),
  ];
  return [...new Set(ordered)].slice(0, maxAddresses);
}

/**
 * The system resolver (getaddrinfo: /etc/hosts, then DNS; A and AAAA). It cannot be
 * cancelled, so callers race it against their deadline instead.
 */
export async function systemResolve(hostname: string): Promise<string[]> {
  const records = await lookup(hostname, { all: true, family: 0 });
  return records.map((record) => record.address);
}

/** The default rule when the guard is on. */
export const defaultRule: AddressRule = blockReason;

/** Settles with `promise`, or rejects with the signal's reason as soon as it aborts. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

async function resolveSafely(resolve: Resolver, hostname: string): Promise<string[]> {
  try {
    return await resolve(hostname);
  } catch (error) {
    const failure = toFailure(error);
    // Whatever a resolver throws, it is a DNS problem from the monitor's point of view.
    throw failure.kind === "dns"
      ? failure
      : new CheckFailure("dns", `DNS lookup failed: ${failure.message}`);
  }
}
