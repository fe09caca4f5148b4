/** The publisher process: `deno task publisher`. */
import { aborted, runProcess } from "../lib/lifecycle.ts";
import { openConnections } from "../lib/connections.ts";
import { log } from "../lib/logger.ts";
import { serverVersion } from "../db/clickhouse/client.ts";
import { applyRetention } from "../db/clickhouse/retention.ts";

const RETENTION_EVERY_MS = 3_600_000;

await runProcess("publisher", async (config, shutdown) => {
  const connections = await openConnections(config, "publisher");
  log.info("publisher.started", { regions: config.regions });
  const version = await serverVersion(connections.ch);
  const enforceRetention = async () => {
    try {
      const { droppedPartitions } = await applyRetention(
        connections.ch,
        config.retentionDays,
        version,
      );
      if (droppedPartitions.length) log.info("retention.dropped", { droppedPartitions });
    } catch (error) {
      log.error("retention.failed", { error });
    }
  };
  await enforceRetention();
  const timer = setInterval(enforceRetention, RETENTION_EVERY_MS);
  await aborted(shutdown);
  clearInterval(timer);
  await connections.close();
});
