import { describeDnsTarget } from "../../lib/dns_target.ts";

/**
 * What a monitor checks, in one line: "GET https://…", "TCP host:port", "DNS MX example.com
 * via 1.1.1.1" or "Heartbeat…".
 */
export function describeTarget(monitor: { type: string; method: string; url: string }): string {
  if (monitor.type === "heartbeat") return "Heartbeat: your job reports in";
  if (monitor.type === "dns") return `DNS ${describeDnsTarget(monitor.url)}`;
  if (monitor.type === "tcp") return `TCP ${monitor.url.replace(/^tcp:\/\//, "")}`;
  return `${monitor.method} ${monitor.url}`;
}
