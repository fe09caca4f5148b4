/** The worker process: `deno task worker`. */
import { runProcess } from "../lib/lifecycle.ts";
import { runWorker } from "./run.ts";

await runProcess("worker", runWorker);
