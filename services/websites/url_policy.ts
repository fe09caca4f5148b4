/**
 * Which monitor URLs are accepted. Beyond the shape (http/https, a hostname, no
 * credentials), the SSRF guard refuses a target that is, or resolves to, a loopback,
 * private, link-local or metadata address, so a user cannot point the checker at the
 * network it runs in. The worker checks every connection again (DNS may change); this
 * early refusal tells the user why at once.
 *
 * ```ts
 * await acceptTargetUrl("http://127.0.0.1/", { allowPrivateTargets: false });
 * // DomainError BAD_REQUEST "url: 127.0.0.1 is a loopback address (only public addresses …)"
 * ```
 */
import { lookup } from "node:dns/promises";
// The same rule the worker applies on every connection.
import { blockReason } from "../../lib/address_policy.ts";
import { portProblem } from "../../lib/port_policy.ts";
import { readTcpTarget } from "../../lib/tcp_target.ts";
import { DnsTargetError, formatDnsTarget, parseDnsTarget } from "../../lib/dns_target.ts";
import { DomainError } from "../errors.ts";
import { withTimeout } from "../../lib/async.ts";

/** Resolves a hostname to every address it has (A and AAAA). */
export type Resolver = (hostname: string) => Promise<string[]>;

const LOOKUP_TIMEOUT_MS = 5_000;

export const systemResolver: Resolver = async (hostname) => {
  const lookingUp = lookup(hostname, { all: true, verbatim: true });
  const answers = await withTimeout(lookingUp, LOOKUP_TIMEOUT_MS, "lookup");
  return answers.map((answer) => answer.address);
};

const refuse = (message: string) => new DomainError("BAD_REQUEST", `url: ${message}`);

/** Most people who meet this refusal run their own installation and meant the address. */
const PRIVATE_HINT =
  "only public addresses are allowed; a self-hosted installation allows private ones with ALLOW_PRIVATE_TARGETS=true";

/** Returns the normalised URL, or throws BAD_REQUEST saying what is wrong with it. */
export async function acceptTargetUrl(
  raw: string,
  options: { allowPrivateTargets: boolean; resolve?: Resolver },
): Promise<string> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse("not a valid URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw refuse("only http:// and https:// URLs can be monitored");
  }
  if (!url.hostname) throw refuse("a hostname is required");
  // Credentials in a URL end up in logs and in the dashboard; headers are the place.
  if (url.username || url.password) {
    throw refuse("credentials in the URL are not allowed; send them as a header");
  }
  const port = url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
  const badPort = portProblem(port);
  if (badPort) throw refuse(badPort);
  if (!options.allowPrivateTargets) {
    await refusePrivateTarget(url.hostname, options.resolve ?? systemResolver);
  }
  return url.href;
}

/**
 * A TCP monitor's target, normalised to `tcp://host:port` (a bare `host:port` is taken
 * too), or BAD_REQUEST saying what is wrong. Same address and port rules as http.
 */
export async function acceptTcpTarget(
  raw: string,
  options: { allowPrivateTargets: boolean; resolve?: Resolver },
): Promise<string> {
  const target = readTcpTarget(raw);
  if (!target) {
    throw refuse("expected host:port for a TCP monitor (a port is required, nothing after it)");
  }
  const badPort = portProblem(target.port);
  if (badPort) throw refuse(badPort);
  if (!options.allowPrivateTargets) {
    await refusePrivateTarget(target.hostname, options.resolve ?? systemResolver);
  }
  return `tcp://${target.host}`;
}

/**
 * A DNS monitor's question, normalised to `dns://server/name?type=T` (lib/dns_target.ts),
 * or BAD_REQUEST saying what is wrong. Its server must be a public address, as every
 * other target; the name is only asked about, never connected to.
 */
export function acceptDnsTarget(raw: string, options: { allowPrivateTargets: boolean }): string {
  let target;
  try {
    target = parseDnsTarget(raw);
  } catch (error) {
    if (error instanceof DnsTargetError) throw refuse(error.message);
    throw error;
  }
  const reason = options.allowPrivateTargets ? null : blockReason(target.server);
  if (reason) throw refuse(`DNS server: ${target.server} is ${reason} (${PRIVATE_HINT})`);
  return formatDnsTarget(target);
}

async function refusePrivateTarget(hostname: string, resolve: Resolver): Promise<void> {
  // The URL parser has already normalised IP forms (`2130706433`, `0x7f.1`) to dotted quads.
  const literalReason = blockReason(hostname);
  if (literalReason === null) return;
  const bare = hostname.replace(/^\[|\]$/g, "");
  if (literalReason !== "not an IP address") {
    throw refuse(`${bare} is ${literalReason} (${PRIVATE_HINT})`);
  }

  let addresses: string[];
  try {
    addresses = await resolve(hostname);
  } catch {
    throw refuse("host does not resolve");
  }
  if (!addresses.length) throw refuse("host does not resolve");
  for (const address of addresses) {
    const reason = blockReason(address);
    // The address itself is not shown: it would map the network behind us.
    if (reason) throw refuse(`${hostname} resolves to ${reason} (${PRIVATE_HINT})`);
  }
}
