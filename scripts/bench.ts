/**
 * `deno task bench [name ...]`: runs `bench/<name>.ts` (all of them without a name) in
 * databases of their own; a name that is no file runs every benchmark it prefixes
 * (`api` runs `api_metrics` and `api_ws_fanout`): `web`, `pipeline`, `api`, `alerts`.
 * Each prints its figures and its ratio to the baseline.
 */
import { getConfig } from "../lib/config.ts";
import { startIsolatedRun } from "./isolated_run.ts";
import { endTreeOnSignal } from "./process_tree.ts";

const benchDir = new URL("../bench/", import.meta.url);
const available = [...Deno.readDirSync(benchDir)]
  .filter((entry) => entry.isFile && entry.name.endsWith(".ts"))
  .map((entry) => entry.name.slice(0, -3))
  .sort();
// `status-page` names bench/status_page.ts: dashes read as underscores.
const args = Deno.args.map((arg) => arg.replaceAll("-", "_"));
const names = args.length
  ? args.flatMap((arg) =>
    available.includes(arg) ? [arg] : available.filter((name) => name.startsWith(`${arg}_`))
  )
  : available;
const unknown = args.filter((arg) =>
  !names.some((name) => name === arg || name.startsWith(`${arg}_`))
);
if (unknown.length) {
  console.error(`unknown benchmark ${unknown.join(", ")}; available: ${available.join(", ")}`);
  Deno.exit(2);
}

const run = await startIsolatedRun(getConfig(), "bench");
let failed = false;
try {
  for (const name of names) {
    console.log(`\n== bench ${name} ==`);
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL(`${name}.ts`, benchDir).pathname],
      env: run.env,
    }).spawn();
    const stopForwarding = endTreeOnSignal(child);
    const status = await child.status;
    stopForwarding();
    failed ||= !status.success;
    // Ended by a signal (SIGTERM, Ctrl-C): the other benchmarks are not wanted either.
    if (status.signal) break;
  }
} finally {
  await run.finish();
}
Deno.exit(failed ? 1 : 0);
