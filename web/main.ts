/** The web process: `deno task start` (production) or `dev`. */
import { runProcess } from "../lib/lifecycle.ts";
import { runWeb } from "./run.ts";

await runProcess("web", runWeb);
