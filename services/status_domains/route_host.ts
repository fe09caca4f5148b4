/**
 * Which status page a custom domain serves: the page of the hostname's verified claim,
 * or none. Looked up at most once per `STATUS_PAGE_CACHE_MS` per hostname (unknown hosts
 * too, so a flood of made-up Host headers costs one query per name and period).
 */
import { and, eq, isNotNull } from "drizzle-orm";
import { statusDomains, statusPages } from "../../db/postgres/schema.ts";
import type { Services } from "../context.ts";
import { TtlCache } from "../../lib/ttl_cache.ts";

const caches = new WeakMap<Services, TtlCache<string, string | null>>();

function cacheOf(services: Services): TtlCache<string, string | null> {
  let cache = caches.get(services);
  if (!cache) {
    cache = new TtlCache({ ttlMs: services.config.statusPageCacheMs, maxEntries: 10_000 });
    caches.set(services, cache);
  }
  return cache;
}

/** The slug of the page served at `hostname` (lower case, no port), or null. */
export function statusPageSlugForHost(
  services: Services,
  hostname: string,
): Promise<string | null> {
  return cacheOf(services).get(hostname, async () => {
    const [row] = await services.readDb.select({ slug: statusPages.slug }).from(statusDomains)
      .innerJoin(statusPages, eq(statusPages.id, statusDomains.statusPageId))
      .where(and(eq(statusDomains.hostname, hostname), isNotNull(statusDomains.verifiedAt)));
    return row?.slug ?? null;
  });
}

/** After a claim on `hostname` changed in this process: look it up again next time. */
export function forgetHost(services: Services, hostname: string): void {
  cacheOf(services).delete(hostname);
}
