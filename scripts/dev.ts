/**
 * `deno task dev`: the whole system on one machine. Starts any missing local service,
 * migrates, then runs web, publisher and worker, all restarted when a source file changes.
 * Without SMTP_URL, mail goes to a catcher that logs it and keeps it under `.data/mail/`
 * (scripts/dev_mailbox.ts). SIGTERM or Ctrl-C stops every child and every service this
 * script started.
 *
 * The children are plain `deno run` processes, not `deno run --watch`: a `--watch` child
 * answers SIGTERM by waiting for the next file change, so stopping took until the
 * supervisor gave up on it. Each child holds a pipe from this supervisor on its stdin
 * (`UPTIME_PARENT_PIPE=1`, see lib/lifecycle.ts) and stops when it closes, so children
 * never outlive a supervisor that was killed (kill -9, the OOM killer).
 */
import { getConfig } from "../lib/config.ts";
import { log, setLogContext } from "../lib/logger.ts";
import { ensureLocalServices, type LocalServices } from "./local_services.ts";
import { migrateAll } from "./migrate.ts";
import { welcome } from "./first_run.ts";
import { type DevMailbox, startDevMailbox } from "./dev_mailbox.ts";

setLogContext({ process: "dev" });
const config = getConfig();
const ROOT = new URL("../", import.meta.url).pathname;
let services: LocalServices | undefined;
let mailbox: DevMailbox | undefined;
try {
  services = await ensureLocalServices(config);
  if (services.started.length) log.info("dev.services_started", { started: services.started });
  await migrateAll();
  if (!config.notifications.smtpUrl) {
    mailbox = await startDevMailbox(`${ROOT}.data/mail`);
    log.info("dev.mailbox", { smtpUrl: mailbox.url, kept: ".data/mail/" });
  }
} catch (error) {
  log.error("dev.failed", { message: error instanceof Error ? error.message : String(error) });
  await mailbox?.close();
  await services?.stop();
  Deno.exit(1);
}
// Publisher and worker answer /healthz, /readyz and /metrics next to web's port.
const ENTRIES = {
  web: { entry: "web/main.ts", env: {} },
  publisher: { entry: "publisher/main.ts", env: { HEALTH_PORT: String(config.port + 1) } },
  worker: { entry: "worker/main.ts", env: { HEALTH_PORT: String(config.port + 2) } },
};
/** Longer than the worker's drain (12 s), shorter than a supervisor's patience. */
const CHILD_STOP_MS = 15_000;
const DEBOUNCE_MS = 300;

const children = new Map<string, Deno.ChildProcess>();
let stopping = false;

function start(name: string, entry: string, env: Record<string, string>): void {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", entry],
    cwd: ROOT,
    env: {
      ...env,
      ...(mailbox && { SMTP_URL: mailbox.url }),
      UPTIME_DEV: "1",
      UPTIME_PARENT_PIPE: "1",
    },
    // Never written to: the child sees end-of-file when this process dies, however it dies.
    stdin: "piped",
  }).spawn();
  children.set(name, child);
  child.status.then((status) => {
    if (children.get(name) !== child) return; // replaced by a restart
    children.delete(name);
    if (stopping) return;
    // As `--watch` did: a crashed child waits for the fix, the others keep running.
    log.error("dev.child_exited", { child: name, code: status.code, restart: "on file change" });
  });
}

async function stopChild(child: Deno.ChildProcess): Promise<void> {
  try {
    child.kill("SIGTERM");
  } catch { /* already exited */ }
  const killer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* exited meanwhile */ }
  }, CHILD_STOP_MS);
  await child.status;
  clearTimeout(killer);
}

async function stopChildren(): Promise<void> {
  const running = [...children.values()];
  children.clear();
  await Promise.all(running.map(stopChild));
}

function startAll(): void {
  for (const [name, { entry, env }] of Object.entries(ENTRIES)) start(name, entry, env);
}

// Source folders only: watching node_modules or .data would cost thousands of watches.
const IGNORED = new Set(["node_modules", "_build", "tests", "bench", "static", "scripts"]);
const watched: string[] = [];
for await (const entry of Deno.readDir(ROOT)) {
  if (entry.isDirectory && !entry.name.startsWith(".") && !IGNORED.has(entry.name)) {
    watched.push(`${ROOT}${entry.name}`);
  }
}
const sourceWatcher = Deno.watchFs(watched, { recursive: true });
const rootWatcher = Deno.watchFs(ROOT, { recursive: false });
const isSource = (path: string) =>
  /\.(ts|tsx|json)$/.test(path) && (path.slice(ROOT.length).includes("/") ||
    /^(deno|import_map)\.json$/.test(path.slice(ROOT.length)));

let restarting: Promise<void> = Promise.resolve();
let debounce: ReturnType<typeof setTimeout> | undefined;
function onChange(path: string): void {
  clearTimeout(debounce);
  debounce = setTimeout(() => {
    restarting = restarting.then(async () => {
      if (stopping) return;
      log.info("dev.restarting", { changed: path.slice(ROOT.length) });
      await stopChildren();
      if (!stopping) startAll();
    });
  }, DEBOUNCE_MS);
}

async function watch(watcher: Deno.FsWatcher): Promise<void> {
  try {
    for await (const event of watcher) {
      const path = event.paths.find(isSource);
      if (path && event.kind !== "access") onChange(path);
    }
  } catch { /* closed */ }
}

async function stopAll(code: number): Promise<never> {
  if (stopping) Deno.exit(code);
  stopping = true;
  clearTimeout(debounce);
  sourceWatcher.close();
  rootWatcher.close();
  await restarting;
  await stopChildren();
  await mailbox?.close();
  await services?.stop();
  Deno.exit(code);
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, () => stopAll(0));
}
startAll();
// Plain text for the person who ran the command, after the children's start-up lines.
const caught = mailbox
  ? "\nEmail is caught, not sent: each mail is logged (dev.mail, with its links) and kept in .data/mail/"
  : "";
welcome(config).then((text) => setTimeout(() => console.log(`\n${text}${caught}\n`), 1_500))
  .catch((error) => log.warn("dev.welcome_failed", { error }));
watch(sourceWatcher);
watch(rootWatcher);
