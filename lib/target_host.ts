/**
 * What an unnamed monitor goes by: its URL's host, or the name a dns monitor asks about
 * (its URL's host is the DNS server's address). The dashboard names it with the port
 * (`targetHost`); alerts, incidents and status pages by the host name alone.
 */
import { dnsNameOf } from "./dns_target.ts";

/** `shop.example.com:8443`, or the URL itself when it has no host. */
export function targetHost(url: string): string {
  const dnsName = dnsNameOf(url);
  if (dnsName) return dnsName;
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}

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
