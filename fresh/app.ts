/**
 * The request pipeline: client bundles, then `static/`, then app middleware, then the
 * matched route's folder middleware and its handler or page. Anything thrown on the way
 * renders the nearest `_error` page; errors that are not an HttpError below 500 are
 * logged once with the request id, and no response ever carries a stack.
 */
import type { TwindConfig } from "@twind/core";
import { log } from "../lib/logger.ts";
import { Context, getInternals, type RequestInternals, type UiTree } from "./context.ts";
import { isPageResponse } from "./define.ts";
import { HttpError, statusText } from "./error.ts";
import { type Folder, type FsRoutes, loadFsRoutes, type Route } from "./fs_routes.ts";
import { callComponent, type ClientAssets, createRenderer, pageProps } from "./render.ts";
import { matchSegments, splitPath } from "./router.ts";
import { serveBundleFile, StaticFiles } from "./static_files.ts";
import { createNonce } from "./security_headers.ts";
import { PageStyles } from "./styles.ts";
import type { HandlerFn, Method, Middleware } from "./types.ts";
import defaultTwindConfig from "./twind_config.ts";

/** A client build as the app serves it: files by name, and the URLs pages reference. */
export interface ClientBuild {
  files: Map<string, Uint8Array>;
  assets: ClientAssets;
}

export const BUNDLE_PREFIX = "/_fresh/js/";

/**
 * ```ts
 * const app = new App<State>();
 * app.use(requestTiming);
 * app.staticFiles("static");
 * await app.fsRoutes("routes");
 * Deno.serve(app.handler());
 * ```
 */
export class App<State = unknown> {
  #middleware: Middleware<State>[] = [];
  #routes: FsRoutes | null = null;
  #static: StaticFiles | null = null;
  #build: ClientBuild | null = null;
  #bundleFiles = new Map<string, Uint8Array>();
  #plans = new Map<Route, RoutePlan<State>>();
  #render;

  constructor(options: { twindConfig?: TwindConfig } = {}) {
    const styles = new PageStyles(options.twindConfig ?? defaultTwindConfig);
    this.#render = createRenderer({ styles, assets: () => this.#build?.assets ?? null });
  }

  /** Adds middleware that runs for every routed request, before folder middleware. */
  use(...middleware: Middleware<State>[]): this {
    this.#middleware.push(...middleware);
    this.#plans.clear();
    return this;
  }

  /**
   * Serves files from `dir` before routing. Outside dev the folder is listed once at
   * start; files added later need a restart.
   */
  staticFiles(dir: string, options: { dev?: boolean } = {}): this {
    this.#static = new StaticFiles(dir, options);
    return this;
  }

  /** Loads the file routes under `dir`. */
  async fsRoutes(dir: string): Promise<this> {
    this.#routes = await loadFsRoutes(dir);
    this.#plans.clear();
    return this;
  }

  /**
   * Sets the client build pages reference. Files of earlier builds stay served, so a
   * page loaded before a dev rebuild can still fetch its chunks.
   */
  setClientBuild(build: ClientBuild): void {
    for (const [name, bytes] of build.files) this.#bundleFiles.set(name, bytes);
    this.#build = build;
  }

  /** The `Deno.serve` handler. */
  handler(): (req: Request, info?: Deno.ServeHandlerInfo) => Promise<Response> {
    return (req, info) => this.#handle(req, info ?? LOCAL_INFO);
  }

  async #handle(req: Request, info: Deno.ServeHandlerInfo): Promise<Response> {
    const url = new URL(req.url);
    if (url.pathname.startsWith(BUNDLE_PREFIX)) {
      return serveBundleFile(this.#bundleFiles, url.pathname.slice(BUNDLE_PREFIX.length));
    }
    const file = this.#static?.serve(req, url);
    if (file) {
      const res = await file;
      if (res) return res;
    }
    const routes = this.#routes;
    const parts = splitPath(url.pathname);
    const match = routes && parts ? routes.router.match(parts) : null;
    const internals: RequestInternals = {
      tree: { app: routes?.app ?? null, layouts: [], page: null, config: {} },
      data: undefined,
      nonce: createNonce(),
      requestId: crypto.randomUUID(),
      render: this.#render,
    };
    const ctx = new Context<State>(req, url, info, internals);
    let folders: Folder[] = [];
    let chain = this.#middleware;
    if (routes && match) {
      ctx.route = match.pattern;
      ctx.params = match.params;
      const plan = this.#planFor(routes, match.value);
      folders = plan.folders;
      chain = plan.chain;
      internals.tree = plan.tree;
    } else if (routes && parts) {
      folders = [...routes.folders.values()].filter((f) =>
        f.segments && matchSegments(f.segments, parts, true)
      ).sort((a, b) => a.segments!.length - b.segments!.length);
      chain = chainFor(this.#middleware, folders);
    }

    let res: Response;
    try {
      res = await runChain(ctx, chain, () => {
        if (!match) throw new HttpError(404);
        return this.#runRoute(ctx, match.value);
      });
    } catch (error) {
      res = await this.#renderError(ctx, internals, folders, error);
    }
    if (req.method === "HEAD" && res.body) {
      res = new Response(null, {
        status: res.status,
        statusText: res.statusText,
        headers: res.headers,
      });
    }
    return res;
  }

  /**
   * A route's folders, middleware chain and layouts depend only on the route and the
   * app middleware, so each route works them out once.
   */
  #planFor(routes: FsRoutes, route: Route): RoutePlan<State> {
    let plan = this.#plans.get(route);
    if (!plan) {
      const folders = route.dirs.map((key) => routes.folders.get(key)!);
      plan = {
        folders,
        chain: chainFor(this.#middleware, folders),
        tree: treeFor(routes, folders, route.page, route.config),
      };
      this.#plans.set(route, plan);
    }
    return plan;
  }

  async #runRoute(ctx: Context<State>, route: Route): Promise<Response> {
    const method = ctx.req.method as Method;
    let fn: HandlerFn<unknown, State> | undefined;
    if (typeof route.handler === "function") {
      fn = route.handler as HandlerFn<unknown, State>;
    } else if (route.handler) {
      const byMethod = route.handler as Partial<Record<Method, HandlerFn<unknown, State>>>;
      fn = byMethod[method] ?? (method === "HEAD" ? byMethod.GET : undefined);
      if (!fn) return methodNotAllowed(Object.keys(byMethod));
    } else if (method !== "GET" && method !== "HEAD") {
      return methodNotAllowed(["GET"]);
    }
    const result = fn ? await fn(ctx) : undefined;
    if (result instanceof Response) return result;
    if (fn && !isPageResponse(result)) {
      throw new Error(`routes/${route.file}: the handler must return a Response or page(data)`);
    }
    if (!route.page) {
      throw new Error(
        `routes/${route.file}: the handler returned page() but there is no page component`,
      );
    }
    const internals = getInternals(ctx);
    internals.data = result?.data;
    const vnode = await callComponent(route.page, pageProps(ctx, internals.data, null));
    if (vnode instanceof Response) return vnode;
    return ctx.render(vnode, { status: result?.status, headers: result?.headers });
  }

  async #renderError(
    ctx: Context<State>,
    internals: RequestInternals,
    folders: Folder[],
    error: unknown,
  ): Promise<Response> {
    const status = error instanceof HttpError ? error.status : 500;
    if (status >= 500) {
      log.error("web.request_failed", {
        requestId: internals.requestId,
        method: ctx.req.method,
        path: ctx.url.pathname,
        error,
      });
    }
    const routes = this.#routes;
    const at = folders.findLastIndex((f) => f.error);
    if (!routes || at === -1) return plainError(status);
    const errorFolders = folders.slice(0, at + 1);
    internals.tree = treeFor(routes, errorFolders, errorFolders[at].error!, {});
    internals.data = undefined;
    ctx.error = error;
    try {
      const vnode = await callComponent(internals.tree.page!, pageProps(ctx, undefined, null));
      if (vnode instanceof Response) return vnode;
      return await ctx.render(vnode, { status });
    } catch (renderError) {
      log.error("web.error_page_failed", { requestId: internals.requestId, error: renderError });
      return plainError(status);
    }
  }
}

interface RoutePlan<State> {
  folders: Folder[];
  chain: Middleware<State>[];
  /** Shared by the route's requests; never mutated (an error page gets a tree of its own). */
  tree: UiTree;
}

function chainFor<State>(app: Middleware<State>[], folders: Folder[]): Middleware<State>[] {
  return [...app, ...folders.flatMap((f) => (f.middleware ?? []) as Middleware<State>[])];
}

function treeFor(
  routes: FsRoutes,
  folders: Folder[],
  page: UiTree["page"],
  config: UiTree["config"],
): UiTree {
  return {
    app: routes.app,
    layouts: folders.flatMap((f) => f.layout ? [f.layout] : []),
    page,
    config,
  };
}

function runChain<State>(
  ctx: Context<State>,
  chain: Middleware<State>[],
  last: () => Promise<Response>,
): Promise<Response> {
  let index = 0;
  const next = async (): Promise<Response> => {
    const i = index++;
    if (i < chain.length) return await chain[i](ctx);
    // Past the route there is nothing left to answer.
    if (i > chain.length) throw new HttpError(404);
    return await last();
  };
  ctx.next = next;
  return next();
}

function methodNotAllowed(methods: string[]): Response {
  const allow = new Set(methods);
  if (allow.has("GET")) allow.add("HEAD");
  return new Response(statusText(405), {
    status: 405,
    headers: { allow: [...allow].join(", "), "content-type": "text/plain; charset=utf-8" },
  });
}

function plainError(status: number): Response {
  return new Response(statusText(status), {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" },
  });
}

const LOCAL_INFO: Deno.ServeHandlerInfo = {
  remoteAddr: { transport: "tcp", hostname: "127.0.0.1", port: 0 },
  completed: Promise.resolve(),
};
