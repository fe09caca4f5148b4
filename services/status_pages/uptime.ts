/** A website's current status on the public page, from the latest result per region in Redis. */
import type { Services } from "../context.ts";
import { liveResultFields, parseLiveJson } from "../../lib/live_result.ts";

export type CurrentStatus = "up" | "down" | "degraded" | "unknown";

const outcomeOnly = liveResultFields("outcome");

/**
 * Up when every region's latest result is up, down when every one is down, degraded when
 * they disagree, unknown without results. Only the regions given count: a region the
 * website no longer uses keeps its last result in Redis.
 */
export async function currentStatuses(
  services: Services,
  websites: { id: string; regions: string[] }[],
): Promise<Map<string, CurrentStatus>> {
  const statuses = new Map<string, CurrentStatus>();
  if (!websites.length) return statuses;
  const pipeline = services.redis.pipeline();
  for (const website of websites) pipeline.hgetall(services.keys.liveStatus(website.id));
  const replies = (await pipeline.exec()) ?? [];
  websites.forEach((website, i) => {
    const [error, hash] = replies[i] ?? [];
    const outcomes: string[] = [];
    if (!error && hash) {
      for (const [region, json] of Object.entries(hash as Record<string, string>)) {
        if (!website.regions.includes(region)) continue;
        const parsed = parseLiveJson(json, outcomeOnly);
        if (parsed) outcomes.push(parsed.outcome);
      }
    }
    statuses.set(website.id, combine(outcomes));
  });
  return statuses;
}

function combine(outcomes: string[]): CurrentStatus {
  if (!outcomes.length) return "unknown";
  if (outcomes.every((o) => o === "up")) return "up";
  if (outcomes.every((o) => o === "down")) return "down";
  return "degraded";
}
