/**
 * `deno task test [deno test args]`: builds the island bundles once, then runs the tests
 * in databases of their own (see isolated_run.ts). Exit status is the tests' status.
 */
import { getConfig } from "../lib/config.ts";
import { buildProject } from "../fresh/mod.ts";
import { PROJECT_ROOT } from "../web/app.ts";
import { type IsolatedRun, startIsolatedRun } from "./isolated_run.ts";

// Built once here, so each test's web app loads the bundles instead of running esbuild.
await buildProject({ root: PROJECT_ROOT });

let run: IsolatedRun;
try {
  run = await startIsolatedRun(getConfig(), "test");
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  Deno.exit(1);
}

const args = Deno.args.length ? Deno.args : ["tests/"];
const child = new Deno.Command(Deno.execPath(), {
  args: ["test", "-A", ...args],
  env: run.env,
  stdout: "piped",
  stderr: "inherit",
}).spawn();

// Deno prints "ok | 12 passed | 0 failed"; CI reads the plain "N passed, N failed".
let tail = "";
const decoder = new TextDecoder();
for await (const chunk of child.stdout) {
  await Deno.stdout.write(chunk);
  tail = (tail + decoder.decode(chunk, { stream: true })).slice(-2_000);
}
const status = await child.status;
await run.finish();

const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");
const counts = /(\d+) passed[^\n]*?\| (\d+) failed/.exec(tail.replace(ansi, ""));
if (counts) console.log(`\ntests: ${counts[1]} passed, ${counts[2]} failed`);
Deno.exit(status.code);
