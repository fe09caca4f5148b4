/**
 * What a monitor points at, by type: an http(s) URL, a tcp://host:port, or, for a
 * heartbeat, nothing (the job calls us). The same address and port rules apply to both
 * targets; a heartbeat gets a secret token instead.
 */
import type { Config } from "../../lib/config.ts";
import { DomainError } from "../errors.ts";
import type { MonitorType } from "./schemas.ts";
import { acceptTargetUrl, acceptTcpTarget, type Resolver } from "./url_policy.ts";

/** What a heartbeat monitor stores as its URL: it has none, and the token is a secret. */
export const HEARTBEAT_URL = "heartbeat:";

/** The normalised target of an http or tcp monitor; BAD_REQUEST when missing or refused. */
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
  return type === "tcp" ? await acceptTcpTarget(raw, options) : await acceptTargetUrl(raw, options);
}

/** A new heartbeat token: 24 random bytes, URL-safe. */
export function newHeartbeatToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_")
    .replace(/=+$/, "");
}

interface TypedSettings {
  method: string;
  headers: Record<string, string>;
  body: string | null;
  expectedStatus: number | null;
  keyword: string | null;
  forbiddenKeyword: string | null;
  heartbeatGraceSeconds: number | null;
}

/** Throws BAD_REQUEST for a setting the monitor's type does not use. */
export function checkTypeSettings(type: MonitorType, settings: TypedSettings): void {
  const httpOnly: [keyof TypedSettings, boolean][] = [
    ["body", settings.body !== null],
    ["headers", Object.keys(settings.headers).length > 0],
    ["expectedStatus", settings.expectedStatus !== null],
    ["keyword", settings.keyword !== null],
    ["forbiddenKeyword", settings.forbiddenKeyword !== null],
    ["method", settings.method !== "GET"],
  ];
  if (type !== "http") {
    const used = httpOnly.find(([, set]) => set);
    if (used) {
      throw new DomainError("BAD_REQUEST", `${used[0]}: only http monitors use it, not ${type}`);
    }
  }
  if (type !== "heartbeat" && settings.heartbeatGraceSeconds !== null) {
    throw new DomainError("BAD_REQUEST", "heartbeatGraceSeconds: only heartbeat monitors use it");
  }
}
