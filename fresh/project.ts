/**
 * One call that assembles an app from a project folder laid out the Fresh way:
 * `routes/`, `islands/`, `static/`, and `_build/` from `deno task build`.
 */
import { join, resolve } from "node:path";
import type { TwindConfig } from "@twind/core";
import { log } from "../lib/logger.ts";
import { App } from "./app.ts";
import { buildClient, loadClientBuild, watchIslands, writeClientBuild } from "./bundle.ts";
import { importFile } from "./files.ts";
import { loadIslands } from "./islands.ts";
import type { Middleware } from "./types.ts";

export interface FreshProjectOptions<State> {
  /** Folder holding `routes/`, `islands/` and `static/`. */
  root: string;
  /** Dev builds islands at start and on every change; production uses `buildDir`. */
  dev: boolean;
  /** Rebuild islands when they change; default: same as `dev`. */
  watch?: boolean;
  /** Where `deno task build` wrote the client build; default `<root>/_build`. */
  buildDir?: string;
  /** Module whose default export is the twind config; default Tailwind preset. */
  twindConfig?: string;
  /** App-wide middleware, run before the folder middleware of `routes/`. */
  middleware?: Middleware<State>[];
}

export interface FreshProject<State> {
  app: App<State>;
  handler: (req: Request, info?: Deno.ServeHandlerInfo) => Promise<Response>;
  /** Stops the dev watcher. */
  close(): Promise<void>;
}

export const DEFAULT_TWIND_CONFIG: string = resolve(
  new URL("./twind_config.ts", import.meta.url).pathname,
);

/**
 * ```ts
 * const { handler, close } = await createFreshProject({ root: ".", dev: true });
 * Deno.serve(handler);
 * ```
 */
export async function createFreshProject<State>(
  options: FreshProjectOptions<State>,
): Promise<FreshProject<State>> {
  const root = resolve(options.root);
  const islandsDir = join(root, "islands");
  const twindConfig = resolve(options.twindConfig ?? DEFAULT_TWIND_CONFIG);
  const config = (await importFile(twindConfig)).default as TwindConfig;
  const app = new App<State>({ twindConfig: config });
  if (options.middleware) app.use(...options.middleware);

  await loadIslands(islandsDir);
  const buildOptions = { root, islandsDir, twindConfig, dev: options.dev };
  const buildDir = options.buildDir ?? join(root, "_build");
  let build = options.dev ? null : await loadClientBuild(buildDir, root, islandsDir);
  if (!build) {
    if (!options.dev) {
      log.warn("web.client_build_missing", { buildDir, hint: "run `deno task build`" });
    }
    build = await buildClient(buildOptions);
  }
  app.setClientBuild(build);
  app.staticFiles(join(root, "static"), { dev: options.dev });
  await app.fsRoutes(join(root, "routes"));

  let stopWatching = () => {};
  if (options.watch ?? options.dev) {
    stopWatching = watchIslands(islandsDir, async () => {
      try {
        app.setClientBuild(await buildClient(buildOptions));
        log.info("web.islands_rebuilt", {});
      } catch (error) {
        log.error("web.islands_build_failed", { error });
      }
    });
  }
  return {
    app,
    handler: app.handler(),
    close: () => {
      stopWatching();
      return Promise.resolve();
    },
  };
}

/** Builds the client into `<root>/_build` (or `outDir`) for production. */
export async function buildProject(
  options: { root: string; outDir?: string; twindConfig?: string },
): Promise<string[]> {
  const root = resolve(options.root);
  const outDir = options.outDir ?? join(root, "_build");
  const build = await buildClient({
    root,
    islandsDir: join(root, "islands"),
    twindConfig: resolve(options.twindConfig ?? DEFAULT_TWIND_CONFIG),
    dev: false,
  });
  await writeClientBuild(build, outDir);
  return [...build.files.keys()];
}
