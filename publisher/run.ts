/**
 * The publisher role; any number may run, one leads. Run by publisher/main.ts or
 * standalone/main.ts.
 */
import { aborted, type Main } from "../lib/lifecycle.ts";
import { openConnections } from "../lib/connections.ts";
import { log } from "../lib/logger.ts";
import { redisKeys } from "../lib/redis_keys.ts";
import { serverVersion } from "../db/clickhouse/client.ts";
import { dropExpiredPartitions, supportsTtl } from "../db/clickhouse/retention.ts";
import { rollUpCurrentHours, rollUpRecentHours } from "../db/clickhouse/rollup.ts";
import { refreshUptime24h } from "../services/uptime/uptime_24h.ts";
import { LeaderLease } from "./leader_lease.ts";
import { Publisher } from "./publisher.ts";
import { registerStreamMetrics } from "./stream_metrics.ts";
import { serveOperational } from "../lib/operational.ts";
import { startNotifier } from "../services/notifications/dispatcher/notifier.ts";
import { sweepMissedHeartbeats } from "./heartbeats.ts";
import {
  alertExpiringCertificates,
  SWEEP_EVERY_MS as CERTIFICATE_SWEEP_EVERY_MS,
} from "../services/certificates/expiry_alerts.ts";
import { REMINDER_SWEEP_MS, remindOpenIncidents } from "../services/incidents/reminders.ts";
import { escalateOpenIncidents } from "../services/incidents/escalations.ts";
import { pruneAckLinks } from "../services/incidents/acknowledge_link.ts";

const RETENTION_EVERY_MS = 3_600_000;
const ROLLUP_EVERY_MS = 60_000;
/** How often the rollup also re-rolls the last hours for late results (rollup.ts). */
const FULL_ROLLUP_EVERY_MS = 15 * 60_000;
/** How often the leader looks for missed heartbeats (less with a shorter minimum interval). */
const HEARTBEAT_SWEEP_MS = 5_000;

export const runPublisher: Main = async (config, shutdown) => {
  const connections = await openConnections(config, "publisher");
  // Read before the start is logged: "publisher.started" means start-up is over.
  const version = await serverVersion(connections.ch);
  const keys = redisKeys(config.redisKeyPrefix);
  const lease = new LeaderLease(connections.redis, keys.publisherLease, config.publisherLeaseMs);
  const publisher = new Publisher({
    sql: connections.pg.sql,
    redis: connections.redis,
    keys,
    lease,
    reclaimIdleMs: config.reclaimIdleMs,
    secretKeys: config.secretKeys,
    defaults: {
      intervalSeconds: Math.round(config.publishIntervalMs / 1000),
      timeoutMs: config.checkTimeoutMs,
    },
  });
  registerStreamMetrics(connections.redis, keys, config.regions);
  const health = config.healthPort === null
    ? null
    : serveOperational(config.healthPort, connections);
  log.info("publisher.started", { regions: config.regions, lease: lease.id });
  publisher.start(config.publisherTickMs);

  // Alerts go out from every publisher instance, leader or not: they share the incident
  // events (a consumer group) and the delivery queue (Postgres, SKIP LOCKED). Workers
  // never wait on a slow receiver this way.
  const notifier = startNotifier({
    config,
    sql: connections.pg.sql,
    redis: connections.redis,
    keys,
  }, shutdown);

  // Servers with TTL expire rows themselves (set by the migration); older ones need
  // their expired partitions dropped now and then. Idempotent: any instance may do it.
  const dropExpired = async () => {
    try {
      const dropped = await dropExpiredPartitions(connections.ch, config.retentionDays);
      if (dropped.length) log.info("retention.dropped", { droppedPartitions: dropped });
    } catch (error) {
      log.error("retention.failed", { error });
    }
  };
  const retentionTimer = supportsTtl(version)
    ? undefined
    : setInterval(dropExpired, RETENTION_EVERY_MS);
  if (retentionTimer) await dropExpired();

  // The leader keeps the hourly rollup current; any instance could, one is enough.
  let rolling = false;
  let lastFullRollup = 0;
  const rollUp = async () => {
    if (!publisher.isLeader || rolling) return;
    rolling = true;
    try {
      if (Date.now() - lastFullRollup >= FULL_ROLLUP_EVERY_MS) {
        await rollUpRecentHours(connections.ch);
        lastFullRollup = Date.now();
      } else {
        await rollUpCurrentHours(connections.ch);
      }
      await refreshUptime24h(connections.ch, connections.redis, keys);
    } catch (error) {
      log.error("rollup.failed", { error });
    } finally {
      rolling = false;
    }
  };
  const rollupTimer = setInterval(rollUp, ROLLUP_EVERY_MS);

  // The leader also records missed heartbeats.
  const sweepHeartbeats = leaderJob(
    () => publisher.isLeader,
    "heartbeats.sweep_failed",
    async () => {
      const missed = await sweepMissedHeartbeats({
        sql: connections.pg.sql,
        ch: connections.ch,
        redis: connections.redis,
        keys,
        defaultIntervalSeconds: Math.round(config.publishIntervalMs / 1000),
      });
      if (missed) log.info("heartbeats.missed", { monitors: missed });
    },
  );
  // A few seconds late at most, and well inside the shortest period a monitor may have;
  // every tick would cost a Postgres transaction a second for nothing most of the time.
  const sweepEveryMs = Math.max(
    config.publisherTickMs,
    Math.min(HEARTBEAT_SWEEP_MS, config.minIntervalSeconds * 500),
  );
  const sweepTimer = setInterval(sweepHeartbeats, sweepEveryMs);

  // And alerts about TLS certificates nearing their end.
  const alertCertificates = leaderJob(
    () => publisher.isLeader,
    "certificates.sweep_failed",
    async () => {
      const alerts = await alertExpiringCertificates({
        sql: connections.pg.sql,
        ch: connections.ch,
        redis: connections.redis,
        keys,
      });
      if (alerts) log.info("certificates.expiring", { monitors: alerts });
    },
  );
  const certificateTimer = setInterval(alertCertificates, CERTIFICATE_SWEEP_EVERY_MS);

  // And reminders and escalations of incidents nobody has acknowledged; the Acknowledge
  // links of those acknowledged or ended since go.
  const remind = leaderJob(
    () => publisher.isLeader,
    "reminders.sweep_failed",
    async () => {
      const sweep = { sql: connections.pg.sql, redis: connections.redis, keys };
      const escalated = await escalateOpenIncidents(sweep);
      if (escalated) log.info("incidents.escalated", { incidents: escalated });
      const sent = await remindOpenIncidents(sweep);
      if (sent) log.info("incidents.reminded", { incidents: sent });
      await pruneAckLinks(connections.pg.sql);
    },
  );
  const reminderTimer = setInterval(remind, REMINDER_SWEEP_MS);

  await aborted(shutdown);
  clearInterval(retentionTimer);
  clearInterval(rollupTimer);
  clearInterval(sweepTimer);
  clearInterval(certificateTimer);
  clearInterval(reminderTimer);
  await Promise.all([publisher.stop(), notifier.stopped]);
  await health?.shutdown();
  await connections.close();
};

/**
 * A periodic task of the leader: skipped on a standby and while its last run is still
 * going; a failure is logged once per outage, not once per run.
 */
function leaderJob(
  isLeader: () => boolean,
  failedEvent: string,
  job: () => Promise<void>,
): () => Promise<void> {
  let running = false;
  let failing = false;
  return async () => {
    if (!isLeader() || running) return;
    running = true;
    try {
      await job();
      failing = false;
    } catch (error) {
      if (!failing) log.error(failedEvent, { error });
      failing = true;
    } finally {
      running = false;
    }
  };
}
