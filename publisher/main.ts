/** The publisher process: `deno task publisher`. */
import { runProcess } from "../lib/lifecycle.ts";
import { runPublisher } from "./run.ts";

await runProcess("publisher", runPublisher);
