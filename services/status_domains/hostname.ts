/**
 * Custom-domain hostnames: a DNS name of at least two labels, lower-case, without a
 * trailing dot, never an IP address and never the app's own host.
 *
 * ```ts
 * hostnameSchema.parse("Status.Example.COM.") // "status.example.com"
 * ```
 */
import { z } from "zod";
import { DomainError } from "../errors.ts";
import type { Config } from "../../lib/config.ts";
import { isAppHost } from "../../lib/app_hosts.ts";

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const IPV6 = /^\[?[0-9a-f]*:[0-9a-f:.]*\]?$/;

/** Why a (lower-cased, dot-stripped) name is not a usable hostname, or null. */
export function hostnameProblem(name: string): string | null {
  if (!name) return "hostname: must not be empty";
  if (IPV4.test(name) || IPV6.test(name)) {
    return "hostname: an IP address cannot have a certificate here; use a domain name";
  }
  if (name.length > 253) return "hostname: at most 253 characters";
  const odd = [...new Set(name.replace(/[a-z0-9.-]/g, ""))].slice(0, 5);
  if (odd.length) {
    const named = odd.map((c) => c === " " ? "spaces" : JSON.stringify(c)).join(" or ");
    return `hostname: letters, digits, dashes and dots only, not ${named}`;
  }
  const labels = name.split(".");
  if (labels.length < 2) {
    return "hostname: needs at least two labels, e.g. status.example.com";
  }
  for (const label of labels) {
    if (label.length > 63) return "hostname: each label (between dots) at most 63 characters";
    if (!LABEL.test(label)) {
      return `hostname: "${
        label.slice(0, 63)
      }" is not a valid label (letters, digits and dashes, not starting or ending with a dash)`;
    }
  }
  if (/^\d+$/.test(labels.at(-1)!)) return "hostname: the last label cannot be all digits";
  return null;
}

/** Lower-cases, strips one trailing dot and turns a Unicode name into its ASCII form. */
export function normaliseHostname(raw: string): string {
  let name = raw.trim().toLowerCase().replace(/\.$/, "");
  // deno-lint-ignore no-control-regex
  if (/[^\x00-\x7f]/.test(name)) {
    try {
      name = new URL(`http://${name}`).hostname; // IDNA: "bücher.de" → "xn--bcher-kva.de"
    } catch {
      // Left as it is: the label check below names the problem.
    }
  }
  return name;
}

export const hostnameSchema = z.string().max(300, "hostname: at most 253 characters")
  .transform(normaliseHostname)
  .superRefine((name, ctx) => {
    const problem = hostnameProblem(name);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/** Refuses the hosts the app itself is served on: their certificates are not ours to request. */
export function assertNotAppHost(hostname: string, config: Config): void {
  if (isAppHost(config, hostname)) {
    throw new DomainError(
      "BAD_REQUEST",
      "hostname: this is the app's own host; use a domain of your own",
    );
  }
}
