/**
 * `deno task dev`: the whole system on one machine. Starts any missing local service,
 * migrates, then runs web, publisher and worker, each restarted when a file changes.
 * Ctrl-C stops every child and every service this script started.
 */
import { getConfig } from "../lib/config.ts";
import { log, setLogContext } from "../lib/logger.ts";
import { ensureLocalServices, type LocalServices } from "./local_services.ts";
import { migrateAll } from "./migrate.ts";

setLogContext({ process: "dev" });
const config = getConfig();
let services: LocalServices | undefined;
try {
  services = await ensureLocalServices(config);
  if (services.started.length) log.info("dev.services_started", { started: services.started });
  await migrateAll();
} catch (error) {
  log.error("dev.failed", { message: error instanceof Error ? error.message : String(error) });
  await services?.stop();
  Deno.exit(1);
}

const entries = { web: "web/main.ts", publisher: "publisher/main.ts", worker: "worker/main.ts" };
const children = Object.entries(entries).map(([name, entry]) => ({
  name,
  child: new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--watch", "--no-clear-screen", entry],
    env: { UPTIME_DEV: "1" },
    stdin: "null",
  }).spawn(),
}));

let stopping = false;
async function stopAll(code: number): Promise<never> {
  if (stopping) Deno.exit(code);
  stopping = true;
  for (const { child } of children) {
    try {
      child.kill("SIGTERM");
    } catch { /* already exited */ }
  }
  const killer = setTimeout(() => {
    for (const { child } of children) {
      try {
        child.kill("SIGKILL");
      } catch { /* exited */ }
    }
  }, 15_000);
  await Promise.all(children.map(({ child }) => child.status));
  clearTimeout(killer);
  await services?.stop();
  Deno.exit(code);
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, () => stopAll(0));
}
// A child that exits for good (not a watch restart) takes the others down with it.
for (const { name, child } of children) {
  child.status.then((status) => {
    if (stopping) return;
    log.error("dev.child_exited", { child: name, code: status.code });
    stopAll(status.code || 1);
  });
}
