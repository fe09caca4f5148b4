/** Limits that depend on the deployment's configuration, checked after the input schema. */
import type { Config } from "../../lib/config.ts";
import { DomainError } from "../errors.ts";

interface Settings {
  method: string;
  body: string | null;
  intervalSeconds: number | null;
  regions: string[];
}

/** Throws BAD_REQUEST naming the field when a setting breaks a configured limit. */
export function checkSettings(config: Config, settings: Settings): void {
  checkInterval(config, settings.intervalSeconds);
  const unknown = settings.regions.filter((region) => !config.regions.includes(region));
  if (unknown.length) {
    throw new DomainError(
      "BAD_REQUEST",
      `regions: unknown region ${unknown.map((r) => JSON.stringify(r)).join(", ")}; ` +
        `available: ${config.regions.join(", ")}`,
    );
  }
  // A body on GET or HEAD is refused by many servers and proxies; it is never what's meant.
  if (settings.body !== null && (settings.method === "GET" || settings.method === "HEAD")) {
    throw new DomainError("BAD_REQUEST", `body: not allowed with ${settings.method}`);
  }
}

/** Throws BAD_REQUEST when an interval is shorter than the deployment allows. */
export function checkInterval(config: Config, intervalSeconds: number | null): void {
  if (intervalSeconds !== null && intervalSeconds < config.minIntervalSeconds) {
    throw new DomainError(
      "BAD_REQUEST",
      `intervalSeconds: at least ${config.minIntervalSeconds} seconds`,
    );
  }
}
