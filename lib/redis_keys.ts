/** Every Redis key and channel name, under the configured prefix (tests use one per run). */
export function redisKeys(prefix: string) {
  return {
    /** The task stream of a region; its consumer group is {@link consumerGroup}. */
    stream: (region: string) => `${prefix}checks:${region}`,
    /** The newest slot published per website (a hash), so no slot is published twice. */
    publishedSlots: (region: string) => `${prefix}checks:${region}:slots`,
    /** Tasks that failed too often, kept for inspection. */
    deadLetters: (region: string) => `${prefix}checks:${region}:dead`,
    consumerGroup: "workers",
    /** Exists while the worker (consumer) of that name runs; a short TTL, renewed. */
    workerAlive: (region: string, consumer: string) => `${prefix}workers:${region}:${consumer}`,
    /** Holds the id of the publisher instance that may publish. */
    publisherLease: `${prefix}publisher:lease`,
    /** Latest result per region of one website (a hash: region → JSON). */
    liveStatus: (websiteId: string) => `${prefix}live:${websiteId}`,
    /** Every website's uptime over the last 24 hours (a hash: website id → percent). */
    uptime24h: `${prefix}uptime:24h`,
    /** Pub/sub channel carrying every stored result to the web processes. */
    resultsChannel: `${prefix}results`,
    /** Incident transitions for the notification dispatcher (format: lib/incident_event.ts). */
    incidentEvents: `${prefix}incident-events`,
    /** Set once an incident event is on the stream, so a relay retried never adds it twice. */
    incidentEventSent: (eventId: string) => `${prefix}incident-events:sent:${eventId}`,
  };
}

export type RedisKeys = ReturnType<typeof redisKeys>;
