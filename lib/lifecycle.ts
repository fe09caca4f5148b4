/**
 * Runs a process's main function with the shared start-up and shutdown rules: config
 * validated first, one JSON line when started, SIGINT/SIGTERM turned into an abort
 * signal, and a fatal start-up error printed as one line with exit status 1.
 */
import { type Config, getConfig } from "./config.ts";
import { log, setLogContext } from "./logger.ts";

export type Main = (config: Config, shutdown: AbortSignal) => Promise<void>;

export async function runProcess(name: string, main: Main): Promise<void> {
  const config = getConfig();
  setLogContext({ process: name, region: config.region }, config.logLevel);
  const controller = new AbortController();
  const onSignal = (signal: Deno.Signal) => () => {
    if (controller.signal.aborted) return;
    log.info(`${name}.stopping`, { signal });
    controller.abort();
  };
  const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
  const handlers = signals.map((signal) => {
    const handler = onSignal(signal);
    Deno.addSignalListener(signal, handler);
    return [signal, handler] as const;
  });
  try {
    await main(config, controller.signal);
  } catch (error) {
    log.error(`${name}.failed`, { error });
    Deno.exit(1);
  } finally {
    for (const [signal, handler] of handlers) Deno.removeSignalListener(signal, handler);
  }
  log.info(`${name}.stopped`);
}

/** Resolves when the signal aborts. */
export function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}
