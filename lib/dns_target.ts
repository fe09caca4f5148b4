/**
 * What a DNS monitor asks, and of whom: a record type of a name, from one DNS server. It
 * is stored and sent to workers as a DNS URI (RFC 4501), `dns://1.1.1.1/example.com?type=MX`,
 * so it travels in a monitor's `url` like every other target. The form's fields, the
 * API and the worker all read it through this module.
 *
 * ```ts
 * const target = parseDnsTarget("dns://[2606:4700:4700::1111]/Example.com.?type=aaaa");
 * // { server: "2606:4700:4700::1111", port: 53, name: "example.com", recordType: "AAAA" }
 * formatDnsTarget(target); // "dns://[2606:4700:4700::1111]/example.com?type=AAAA"
 * ```
 *
 * The server is an IP address, never a name: a DNS monitor never asks the system's own
 * resolver (inside a cloud that resolves internal names), and the address is vetted as
 * every other target's is. Without a server (`dns:example.com`), it is 1.1.1.1, as in
 * Uptime Kuma.
 */
import { ipVersion } from "./address_policy.ts";

export const DNS_RECORD_TYPES = [
  "A",
  "AAAA",
  "CNAME",
  "MX",
  "NS",
  "TXT",
  "CAA",
  "SRV",
  "SOA",
] as const;
export type DnsRecordType = (typeof DNS_RECORD_TYPES)[number];
export const DEFAULT_DNS_SERVER = "1.1.1.1";

export interface DnsTarget {
  /** An IPv4 or IPv6 address, without brackets. */
  server: string;
  port: number;
  /** Lower case, ASCII (an IDN in its xn-- form), no final dot. */
  name: string;
  recordType: DnsRecordType;
}

/** A problem with a target; `field` says which part. */
export class DnsTargetError extends Error {
  constructor(readonly field: "name" | "server" | "recordType" | "url", message: string) {
    super(message);
  }
}

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

/** The name in its stored form, or the reason it is not one. */
export function normaliseDnsName(raw: string): string | { problem: string } {
  let name = raw.trim().replace(/\.$/, "").toLowerCase();
  if (!name) return { problem: "enter the name to look up, such as example.com" };
  // deno-lint-ignore no-control-regex
  if (/[^\x00-\x7f]/.test(name)) {
    try {
      // The WHATWG host parser turns an internationalised name into its xn-- form.
      name = new URL(`http://${name}`).hostname;
    } catch {
      return { problem: `${raw.trim()} is not a domain name` };
    }
  }
  if (name.length > 253 || !name.split(".").every((label) => LABEL.test(label))) {
    return {
      problem:
        `${raw.trim()} is not a domain name (letters, digits, hyphens and underscores, dot-separated)`,
    };
  }
  return name;
}

/** The server as an address and port, or the reason it is not one. */
export function parseDnsServer(
  raw: string,
): { server: string; port: number } | { problem: string } {
  const text = raw.trim() || DEFAULT_DNS_SERVER;
  const bare = text.replace(/^\[(.*)\]$/, "$1");
  if (ipVersion(bare)) return { server: canonicalIp(bare), port: 53 };
  // host:port or [v6]:port
  const match = /^(?:\[([^\]]+)\]|([^:\[\]]+)):(\d{1,5})$/.exec(text);
  const address = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (!address || !ipVersion(address)) {
    return { problem: `${text} is not an IP address (such as 1.1.1.1 or 8.8.8.8:53)` };
  }
  if (!(port >= 1 && port <= 65_535)) return { problem: `port ${match![3]} is out of range` };
  return { server: canonicalIp(address), port };
}

export function parseDnsRecordType(raw: string): DnsRecordType | null {
  const upper = raw.trim().toUpperCase() || "A";
  return (DNS_RECORD_TYPES as readonly string[]).includes(upper) ? upper as DnsRecordType : null;
}

/** Reads a DNS URI; throws DnsTargetError naming the part that is wrong. */
export function parseDnsTarget(uri: string): DnsTarget {
  const match = /^dns:(?:\/\/([^/?#]*))?\/?([^?#]*)(?:\?([^#]*))?$/i.exec(uri.trim());
  if (!match) {
    throw new DnsTargetError(
      "url",
      "expected dns://<server>/<name>?type=<record type>, such as dns://1.1.1.1/example.com?type=A",
    );
  }
  const [, authority = "", path, query = ""] = match;
  const server = parseDnsServer(decoded(authority));
  if ("problem" in server) throw new DnsTargetError("server", `DNS server: ${server.problem}`);
  const name = normaliseDnsName(decoded(path));
  if (typeof name !== "string") throw new DnsTargetError("name", name.problem);
  // RFC 4501 separates its query's parts with ";"; only the type is ours to read.
  const params = new URLSearchParams(query.replaceAll(";", "&"));
  const recordType = parseDnsRecordType(params.get("type") ?? "");
  if (!recordType) {
    throw new DnsTargetError(
      "recordType",
      `record type: expected one of ${DNS_RECORD_TYPES.join(", ")}`,
    );
  }
  return { ...server, name, recordType };
}

function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

export function formatDnsTarget(target: DnsTarget): string {
  return `dns://${dnsServerText(target)}/${target.name}?type=${target.recordType}`;
}

/** "1.1.1.1", "8.8.8.8:5353" or "[2606:4700:4700::1111]": the port only when not 53. */
export function dnsServerText(target: Pick<DnsTarget, "server" | "port">): string {
  const host = ipVersion(target.server) === 6 ? `[${target.server}]` : target.server;
  return target.port === 53 ? host : `${host}:${target.port}`;
}

/** "MX example.com via 1.1.1.1" */
export function describeDnsTarget(uri: string): string {
  try {
    const target = parseDnsTarget(uri);
    return `${target.recordType} ${target.name} via ${dnsServerText(target)}`;
  } catch {
    return uri;
  }
}

/** One spelling per address: `2001:DB8:0::1` and `2001:db8::1` are the same server. */
export function canonicalIp(address: string): string {
  if (ipVersion(address) !== 6) return address;
  return new URL(`http://[${address}]`).hostname.slice(1, -1);
}
