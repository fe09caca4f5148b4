/**
 * What an unnamed monitor goes by in alerts, incidents and status pages: its URL's host
 * name, or the name a dns monitor asks about (its URL's host is the DNS server's address).
 */
import { dnsNameOf } from "./dns_target.ts";

/** The host name; null for a URL without one (a heartbeat's) or not a URL. */
export function targetHostname(url: string): string | null {
  const dnsName = dnsNameOf(url);
  if (dnsName) return dnsName;
  try {
    return new URL(url).hostname || null;
  } catch {
    return null;
  }
}
