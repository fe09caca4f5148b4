/**
 * A bed for notification tests: the API in-process, the dispatcher running as the
 * publisher runs it, a signed-up owner with one monitor, and helpers to put incident
 * events on the stream the way the incident evaluation does (one XADD per transition,
 * field `event` holding the JSON).
 */
import { type IncidentEvent, incidentEventId } from "../../lib/incident_event.ts";
import { startNotifier } from "../../services/notifications/dispatcher/notifier.ts";
import { apiServer } from "./api.ts";

export const APP_URL = "https://uptime.example.com";

export async function notificationBed(env: Record<string, string> = {}) {
  const server = await apiServer({
    APP_URL,
    NOTIFICATION_RETRY_BASE_MS: "50",
    NOTIFICATION_TIMEOUT_MS: "5000",
    ...env,
  });
  const owner = await server.user("owner");
  const website = await owner.api.website.create.mutate({
    url: "https://shop.example.com/health",
    name: "Shop",
  });
  const { services } = server;
  const controller = new AbortController();
  let stopped: Promise<void> | null = null;

  return {
    server,
    owner,
    website,
    services,
    /** Starts the dispatcher (as the publisher process does). */
    startDispatcher() {
      stopped = startNotifier({
        config: services.config,
        sql: services.sql,
        redis: services.redis,
        keys: services.keys,
      }, controller.signal).stopped;
    },
    /** An event about the bed's monitor; `opened` unless said otherwise. */
    event(incidentId: string, type: IncidentEvent["type"], overrides: Partial<IncidentEvent> = {}) {
      const startedAt = Date.UTC(2026, 11, 1, 20, 0, 0);
      return {
        id: incidentEventId(incidentId, type),
        type,
        incidentId,
        websiteId: website.id,
        ownerId: owner.user.id,
        websiteName: "Shop",
        url: "https://shop.example.com/health",
        failingRegions: ["ams", "fra"],
        totalRegions: 3,
        cause: {
          errorKind: "status",
          errorMessage: "expected 2xx or 3xx, got 503",
          httpStatus: 503,
        },
        startedAt,
        resolvedAt: type === "resolved" ? startedAt + 12 * 60_000 + 5_000 : null,
        resolvedBy: null,
        at: type === "resolved" ? startedAt + 12 * 60_000 + 5_000 : startedAt + 60_000,
        ...overrides,
      } satisfies IncidentEvent;
    },
    /** XADDs the event to the incident stream; returns the entry id. */
    async publish(event: IncidentEvent): Promise<string> {
      return (await services.redis.xadd(
        services.keys.incidentEvents,
        "*",
        "event",
        JSON.stringify(event),
      ))!;
    },
    /**
     * True once every entry on the stream has been read and acknowledged and no
     * delivery is waiting: nothing more can arrive anywhere.
     */
    async settled(): Promise<boolean> {
      const key = services.keys.incidentEvents;
      const [last] = await services.redis.xrevrange(key, "+", "-", "COUNT", 1);
      const groups = await services.redis.xinfo("GROUPS", key) as unknown[][];
      const group = groups.map((g) => Object.fromEntries(pairs(g))).find((g) =>
        g.name === "notifier"
      );
      if (!group || group["last-delivered-id"] !== last?.[0] || Number(group.pending) !== 0) {
        return false;
      }
      const [{ waiting }] = await services.sql`
        select count(*)::int as waiting from notification_deliveries where status = 'pending'`;
      return waiting === 0;
    },
    async close() {
      controller.abort();
      await stopped;
      await server.close();
    },
  };
}

function pairs(list: unknown[]): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (let i = 0; i < list.length; i += 2) out.push([String(list[i]), list[i + 1]]);
  return out;
}
