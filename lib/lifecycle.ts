/**
 * Runs a process's main function with the shared start-up and shutdown rules: config
 * validated first, one JSON line when started, SIGINT/SIGTERM turned into an abort
 * signal, and a fatal start-up error printed as one line with exit status 1.
 *
 * Under `deno task dev` (`UPTIME_PARENT_PIPE=1`) stdin is a pipe from the supervisor that
 * is never written to: its end means the supervisor is gone (even by kill -9), and the
 * process stops as on SIGTERM, so no orphan keeps checking.
 */
import { type Config, getConfig } from "./config.ts";
import { log, setLogContext } from "./logger.ts";

/**
 * A process still running this long after SIGTERM/SIGINT (or its supervisor's death) is
 * ended with status 1: after the worker's 12 s drain, inside fly.toml's `kill_timeout`
 * (20 s). A stuck query or a lingering connection never keeps a process alive.
 */
const SHUTDOWN_EXIT_MS = 18_000;

export type Main = (config: Config, shutdown: AbortSignal) => Promise<void>;

export async function runProcess(name: string, main: Main): Promise<void> {
  const config = getConfig();
  setLogContext({ process: name, region: config.region }, config.logLevel);
  const controller = new AbortController();
  const onSignal = (signal: string) => () => {
    if (controller.signal.aborted) return;
    log.info(`${name}.stopping`, { signal });
    controller.abort();
    Deno.unrefTimer(setTimeout(() => {
      log.error(`${name}.shutdown_timeout`, { afterMs: SHUTDOWN_EXIT_MS });
      Deno.exit(1);
    }, SHUTDOWN_EXIT_MS));
  };
  const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
  const handlers = signals.map((signal) => {
    const handler = onSignal(signal);
    Deno.addSignalListener(signal, handler);
    return [signal, handler] as const;
  });
  const supervised = Deno.env.get("UPTIME_PARENT_PIPE") === "1";
  if (supervised) {
    stopWhenStdinCloses(onSignal("stdin closed"));
  }
  try {
    await main(config, controller.signal);
  } catch (error) {
    log.error(`${name}.failed`, { error });
    Deno.exit(1);
  } finally {
    for (const [signal, handler] of handlers) Deno.removeSignalListener(signal, handler);
  }
  log.info(`${name}.stopped`);
  // Done: whatever is still referenced (the pending read on stdin, a client's reconnect
  // timer) must not keep the process alive.
  Deno.exit(0);
}

async function stopWhenStdinCloses(onClose: () => void): Promise<void> {
  const buffer = new Uint8Array(256);
  try {
    while ((await Deno.stdin.read(buffer)) !== null) { /* nothing is ever sent */ }
  } catch { /* a closed stdin is end-of-file too */ }
  onClose();
}

/** Resolves when the signal aborts. */
export function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}
