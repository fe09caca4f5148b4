/**
 * What a monitor points at, by type: an http(s) URL, a tcp://host:port, a DNS question
 * (dns://server/name?type=T), or, for a heartbeat, nothing (the job calls us). The same
 * address rules apply to every target; a heartbeat gets a secret token instead.
 */
import type { Config } from "../../lib/config.ts";
import { DomainError } from "../errors.ts";
import type { MonitorType } from "./schemas.ts";
import { ipVersion } from "../../lib/address_policy.ts";
import { parseDnsTarget } from "../../lib/dns_target.ts";
import { acceptDnsTarget, acceptTargetUrl, acceptTcpTarget, type Resolver } from "./url_policy.ts";

/** What a heartbeat monitor stores as its URL: it has none, and the token is a secret. */
export const HEARTBEAT_URL = "heartbeat:";

/** The normalised target of an http, tcp or dns monitor; BAD_REQUEST when missing or refused. */
export async function acceptMonitorTarget(
  type: MonitorType,
  raw: string | undefined,
  config: Config,
  resolve?: Resolver,
): Promise<string> {
  if (type === "heartbeat") {
    if (raw !== undefined) {
      throw new DomainError(
        "BAD_REQUEST",
        "url: a heartbeat monitor has no URL; the job calls its ping URL",
      );
    }
    return HEARTBEAT_URL;
  }
  if (raw === undefined) throw new DomainError("BAD_REQUEST", "url: required");
  const options = { allowPrivateTargets: config.allowPrivateTargets, resolve };
  if (type === "dns") return acceptDnsTarget(raw, options);
  return type === "tcp" ? await acceptTcpTarget(raw, options) : await acceptTargetUrl(raw, options);
}

/**
 * The name of a monitor left unnamed: "Heartbeat" for a heartbeat, which has no URL. Null:
 * the pages show the URL's host (a dns monitor's, the name it asks about).
 */
export function defaultMonitorName(type: MonitorType): string | null {
  return type === "heartbeat" ? "Heartbeat" : null;
}

/** A new heartbeat token: 24 random bytes, URL-safe. */
export function newHeartbeatToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_")
    .replace(/=+$/, "");
}

interface TypedSettings {
  /** The accepted target (a dns monitor's expected answer depends on its record type). */
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | null;
  expectedStatus: number | null;
  keyword: string | null;
  forbiddenKeyword: string | null;
  jsonPath: string | null;
  jsonExpected: string | null;
  heartbeatGraceSeconds: number | null;
}

/** Throws BAD_REQUEST for a setting the monitor's type does not use. */
export function checkTypeSettings(type: MonitorType, settings: TypedSettings): void {
  const httpOnly: [keyof TypedSettings, boolean][] = [
    ["body", settings.body !== null],
    ["headers", Object.keys(settings.headers).length > 0],
    ["expectedStatus", settings.expectedStatus !== null],
    // A dns monitor's keyword is the answer it expects.
    ["keyword", settings.keyword !== null && type !== "dns"],
    ["forbiddenKeyword", settings.forbiddenKeyword !== null],
    ["jsonPath", settings.jsonPath !== null],
    ["method", settings.method !== "GET"],
  ];
  if (type !== "http") {
    const used = httpOnly.find(([, set]) => set);
    if (used) {
      throw new DomainError("BAD_REQUEST", `${used[0]}: only http monitors use it, not ${type}`);
    }
  }
  if (type === "dns" && settings.keyword !== null) {
    const { recordType } = parseDnsTarget(settings.url);
    const want = recordType === "A" ? 4 : recordType === "AAAA" ? 6 : null;
    const address = settings.keyword.trim();
    // An address as an answer has it: no brackets, zone or leading zeros.
    const plain = want === 4 ? /^(0|[1-9]\d{0,2})(\.(0|[1-9]\d{0,2})){3}$/ : /^[0-9a-f:.]+$/i;
    if (want && (ipVersion(address) !== want || !plain.test(address))) {
      throw new DomainError(
        "BAD_REQUEST",
        `keyword: an ${recordType} record's expected answer is an IPv${want} address`,
      );
    }
  }
  if (settings.jsonPath !== null && settings.method === "HEAD") {
    throw new DomainError("BAD_REQUEST", "jsonPath: the answer to a HEAD request has no body");
  }
  if (settings.jsonExpected !== null && settings.jsonPath === null) {
    throw new DomainError("BAD_REQUEST", "jsonExpected: set jsonPath, where the value is");
  }
  if (type !== "heartbeat" && settings.heartbeatGraceSeconds !== null) {
    throw new DomainError("BAD_REQUEST", "heartbeatGraceSeconds: only heartbeat monitors use it");
  }
}
