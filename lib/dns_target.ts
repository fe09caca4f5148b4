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
 * every other target's is. Its port is 53, or one from 1024 up that browsers do not
 * refuse (a resolver on 5353 or 8053): a DNS monitor cannot send its packets to another
 * service's well-known port. Without a server (`dns:example.com`), it is 1.1.1.1, as in
 * Uptime Kuma.
 */
import { ipVersion } from "./address_policy.ts";
import { portProblem } from "./port_policy.ts";

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

/**
 * A problem with a target. Its message starts with the part it is about ("DNS server:",
 * "domain name:", "record type:"), so a form can put it at that part's field.
 */
export class DnsTargetError extends Error {}

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

/** The name in its stored form, or the reason it is not one. */
export function normaliseDnsName(raw: string): string | { problem: string } {
  const typed = raw.trim();
  let name = typed.replace(/\.$/, "").toLowerCase();
  if (!name) return { problem: "domain name: enter the name to look up, such as example.com" };
  const notOne = {
    problem:
      `domain name: ${typed} is not one (letters, digits, hyphens and underscores, dot-separated)`,
  };
  // deno-lint-ignore no-control-regex
  if (/[^\x00-\x7f]/.test(name)) {
    // Nothing the host parser would cut off or read as another part of a URL.
    if (/[\s/\\?#@:%\[\]]/.test(name)) return notOne;
    try {
      // The WHATWG host parser turns an internationalised name into its xn-- form.
      name = new URL(`http://${name}`).hostname;
    } catch {
      return notOne;
    }
  }
  if (name.length > 253 || !name.split(".").every((label) => LABEL.test(label))) return notOne;
  return name;
}

/** The server as an address and port, or the reason it is not one. */
export function parseDnsServer(
  raw: string,
): { server: string; port: number } | { problem: string } {
  const text = raw.trim() || DEFAULT_DNS_SERVER;
  // 1.1.1.1, 1.1.1.1:5353, 2606:4700::1111, [2606:4700::1111] or [2606:4700::1111]:5353
  const match = /^(?:\[([0-9a-f:.]+)\](?::(\d{1,5}))?|([0-9.]+)(?::(\d{1,5}))?|([0-9a-f:.]+))$/i
    .exec(text);
  const address = match?.[1] ?? match?.[3] ?? match?.[5];
  const version = address ? ipVersion(address) : 0;
  // Leading zeros read as octal to some resolvers and as decimal to others: not allowed.
  if (!address || !version || (version === 4 && /(^|\.)0\d/.test(address))) {
    return {
      problem: `DNS server: ${text} is not an IP address (such as 1.1.1.1, or 8.8.8.8:53)`,
    };
  }
  const portText = match?.[2] ?? match?.[4];
  const port = portText === undefined ? 53 : Number(portText);
  if (!(port >= 1 && port <= 65_535)) {
    return { problem: `DNS server: port ${portText} is out of range` };
  }
  if (port !== 53 && (port < 1024 || portProblem(port))) {
    return {
      problem:
        `DNS server: port ${port} is not allowed; DNS is port 53, or a port from 1024 up (such as 5353)`,
    };
  }
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
      "expected dns://<server>/<name>?type=<record type>, such as dns://1.1.1.1/example.com?type=A",
    );
  }
  const [, authority = "", path, query = ""] = match;
  const server = parseDnsServer(decoded(authority));
  if ("problem" in server) throw new DnsTargetError(server.problem);
  const name = normaliseDnsName(decoded(path));
  if (typeof name !== "string") throw new DnsTargetError(name.problem);
  // RFC 4501 separates its query's parts with ";" and reads their keys in any case.
  const params = new Map(
    query.split(/[;&]/).filter(Boolean).map((part) => {
      const [key, value = ""] = part.split("=");
      return [decoded(key).toLowerCase(), decoded(value)] as const;
    }),
  );
  const unknown = [...params.keys()].find((key) => key !== "type" && key !== "class");
  if (unknown) throw new DnsTargetError(`record type: unknown query part "${unknown}"`);
  if ((params.get("class") ?? "IN").toUpperCase() !== "IN") {
    throw new DnsTargetError("record type: only the IN class is asked for");
  }
  const recordType = parseDnsRecordType(params.get("type") ?? "");
  if (!recordType) {
    throw new DnsTargetError(`record type: expected one of ${DNS_RECORD_TYPES.join(", ")}`);
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

/** The name a DNS URI asks about; null for any other URL. Unnamed DNS monitors go by it. */
export function dnsNameOf(url: string): string | null {
  if (!/^dns:/i.test(url)) return null;
  try {
    return parseDnsTarget(url).name;
  } catch {
    return null;
  }
}

/**
 * One spelling per address: `2001:DB8:0::1` and `2001:db8::1` are the same server. An
 * address that is not one (a zone id, stray brackets) is returned as it is.
 */
export function canonicalIp(address: string): string {
  if (ipVersion(address) !== 6 || /[%\[\]]/.test(address)) return address;
  try {
    return new URL(`http://[${address}]`).hostname.slice(1, -1);
  } catch {
    return address;
  }
}
