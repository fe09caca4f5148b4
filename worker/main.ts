/** The worker process: `deno task worker`, one or more per region. */
import { aborted, runProcess } from "../lib/lifecycle.ts";
import { openConnections } from "../lib/connections.ts";
import { log } from "../lib/logger.ts";

await runProcess("worker", async (config, shutdown) => {
  const connections = await openConnections(config, "worker");
  log.info("worker.started", { region: config.region });
  await aborted(shutdown);
  await connections.close();
});
