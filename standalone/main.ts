/**
 * Web, publisher and worker in one process: `deno task standalone`, for an installation
 * on one machine. The roles run as in their own processes (each with its connections);
 * `/healthz`, `/readyz` and `/metrics` are the web's, so HEALTH_PORT is not served. A
 * worker's watchdog ends the whole process, for the supervisor to restart it.
 */
import { runProcess } from "../lib/lifecycle.ts";
import { runWeb } from "../web/run.ts";
import { runPublisher } from "../publisher/run.ts";
import { runWorker } from "../worker/run.ts";

await runProcess("standalone", async (config, shutdown) => {
  const background = { ...config, healthPort: null };
  await Promise.all([
    runWeb(config, shutdown),
    runPublisher(background, shutdown),
    runWorker(background, shutdown),
  ]);
});
