/** Runs our publisher and worker entry points as real processes, as a supervisor would. */
import { withTimeout } from "../../lib/async.ts";

const root = new URL("../../", import.meta.url).pathname;
const STOP_WAIT_MS = 25_000;

export interface RunningProcess {
  child: Deno.ChildProcess;
  /** Every JSON log line so far, parsed. */
  lines: Record<string, unknown>[];
  /** Resolves with the first log line whose event matches. */
  waitFor(event: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  stop(signal?: Deno.Signal): Promise<Deno.CommandStatus>;
}

export function spawnProcess(entry: string, env: Record<string, string>): RunningProcess {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", entry],
    cwd: root,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines: Record<string, unknown>[] = [];
  const waiters: { event: string; resolve: (line: Record<string, unknown>) => void }[] = [];
  const consume = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of stream) {
      buffer += decoder.decode(chunk, { stream: true });
      const parts = buffer.split("\n");
      buffer = parts.pop()!;
      for (const part of parts) {
        try {
          const line = JSON.parse(part);
          lines.push(line);
          for (const waiter of waiters.filter((w) => w.event === line.event)) waiter.resolve(line);
        } catch {
          lines.push({ event: "raw", text: part });
        }
      }
    }
  };
  const reading = Promise.all([consume(child.stdout), consume(child.stderr)]);
  return {
    child,
    lines,
    waitFor(event, timeoutMs = 20_000) {
      const seen = lines.find((line) => line.event === event);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${entry}: no ${event} within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          event,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
      });
    },
    async stop(signal: Deno.Signal = "SIGTERM") {
      try {
        child.kill(signal);
      } catch { /* already exited */ }
      let status: Deno.CommandStatus;
      try {
        // Our processes end themselves 18 s after a signal (lib/lifecycle.ts).
        status = await withTimeout(child.status, STOP_WAIT_MS, `${entry} exiting after ${signal}`);
      } catch (error) {
        try {
          child.kill("SIGKILL");
        } catch { /* exited meanwhile */ }
        throw error;
      } finally {
        await withTimeout(reading, 5_000, `${entry}'s output closing`).catch(() => {});
      }
      if (lines.some((line) => String(line.event).endsWith(".shutdown_timeout"))) {
        console.error(
          `${entry} did not stop by itself after ${signal}: its shutdown timeout ended it`,
        );
      }
      return status;
    },
  };
}

export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** A port whose next `count - 1` ports are free too (dev puts health ports beside web's). */
export function freePortRun(count: number): number {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = freePort();
    const listeners: Deno.Listener[] = [];
    try {
      for (let i = 1; i < count; i++) {
        listeners.push(Deno.listen({ hostname: "127.0.0.1", port: port + i }));
      }
      return port;
    } catch {
      /* one of them is taken: try another */
    } finally {
      for (const listener of listeners) listener.close();
    }
  }
  throw new Error(`no run of ${count} free ports found`);
}
