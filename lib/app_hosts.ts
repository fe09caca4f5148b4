/**
 * Which hosts are the app's own: `APP_URL`'s host, the names in `APP_HOSTS`, and loopback
 * (local use). A request for any other host is for a status page's custom domain.
 *
 * ```ts
 * isAppHost(config, "localhost:8000") // true
 * isAppHost(config, "status.acme.com") // false
 * ```
 */
import type { Config } from "./config.ts";

/** The hostname of a Host header: lower case, without port, brackets or trailing dot. */
export function hostnameOf(hostHeader: string): string {
  let host = hostHeader.trim().toLowerCase();
  if (host.startsWith("[")) host = host.slice(1, host.indexOf("]"));
  else if (host.split(":").length === 2) host = host.slice(0, host.indexOf(":"));
  return host.replace(/\.$/, "");
}

export function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname.endsWith(".localhost") ||
    /^127(?:\.\d{1,3}){3}$/.test(hostname) || hostname === "::1";
}

export function isAppHost(config: Config, hostHeader: string): boolean {
  const host = hostnameOf(hostHeader);
  return isLoopbackHost(host) || host === new URL(config.appUrl).hostname.toLowerCase() ||
    config.appHosts.includes(host);
}
