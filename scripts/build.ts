/**
 * `deno task build`: builds the island bundles into `_build/` so production starts
 * without running esbuild. The server falls back to building at start without it.
 */
import { buildProject } from "../fresh/mod.ts";
import { PROJECT_ROOT } from "../web/app.ts";

const started = performance.now();
const files = await buildProject({ root: PROJECT_ROOT });
const ms = Math.round(performance.now() - started);
console.log(`Built ${files.length} files into _build/ in ${ms} ms`);
