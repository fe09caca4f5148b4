/**
 * The web app: routes from `routes/`, islands from `islands/`, files from `static/`.
 * `web/run.ts` serves the handler; `/healthz`, `/readyz` and `/metrics` are answered there
 * (lib/operational.ts), before this app, as is the fly-replay of writes (web/fly_replay.ts).
 *
 * ```ts
 * const reads = readRouting(config, connections.pg, connections.replica);
 * const services = { ...connections, db, sql, readDb: reads.db, readSql: reads.sql, ... };
 * const web = await createWebApp({ dev: false, services, reads });
 * const server = Deno.serve(web.handler);
 * // on shutdown:
 * await server.shutdown();
 * await web.close();
 * ```
 */
import { fileURLToPath } from "node:url";
import { createFreshProject } from "../fresh/mod.ts";
import type { Services } from "../services/context.ts";
import type { State } from "./define.ts";
import { routeByHost } from "./host_routing.ts";
import type { ReadRouting } from "./read_routing.ts";
import { serverTiming } from "../lib/server_timing.ts";

export const PROJECT_ROOT: string = fileURLToPath(new URL("..", import.meta.url));

export interface WebApp {
  handler: (req: Request, info: Deno.ServeHandlerInfo) => Promise<Response>;
  /** Stops the dev rebuild watcher; call after the server has stopped. */
  close(): Promise<void>;
}

/**
 * Loads routes and islands and readies the client bundles: in dev they are built now
 * and rebuilt when `islands/` changes; in production they come from `_build/`
 * (`deno task build`) or, when that is missing or stale, are built now. Every request
 * reads from where `reads` says (the services' `readDb`/`readSql` must be its own).
 */
export async function createWebApp(
  opts: { dev: boolean; services: Services; reads: ReadRouting },
): Promise<WebApp> {
  const project = await createFreshProject<State>({
    root: PROJECT_ROOT,
    dev: opts.dev,
    middleware: [(ctx) => {
      ctx.state.services = opts.services;
      return ctx.next();
    }],
  });
  // Custom domains of status pages reach only their page (web/host_routing.ts).
  const byHost = routeByHost(opts.services, project.handler);
  // Pages whose services time their steps say where the time went (Server-Timing).
  return {
    handler: (req, info) => serverTiming(() => opts.reads.serve(req, () => byHost(req, info))),
    close: project.close,
  };
}
