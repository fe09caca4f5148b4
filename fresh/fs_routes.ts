/**
 * File routing: reads `routes/` into a route table plus the `_app`, `_layout`,
 * `_middleware` and `_error` files of each folder.
 *
 * `index` answers its folder's path, `[id]` one segment, `[[page]]` zero or one,
 * `[...rest]` any number; `(group)` folders share layouts and middleware without adding
 * a segment, and `(_name)` folders are private (not routed).
 */
import { basename, extname } from "node:path";
import { importFile, relativePosix, sourceFiles } from "./files.ts";
import { parseSegment, patternToString, Router, type Segment } from "./router.ts";
import {
  type LayoutConfig,
  METHODS,
  type Middleware,
  type PageComponent,
  type RouteConfig,
  type RouteHandler,
} from "./types.ts";

export interface Route {
  /** File path relative to the routes folder, for messages. */
  file: string;
  pattern: string;
  page: PageComponent | null;
  handler: RouteHandler | null;
  config: RouteConfig;
  /** Keys of the folders from the root down to the route's own. */
  dirs: string[];
}

export interface Folder {
  key: string;
  /** URL segments of the folder; null if a group is on the way (no URL of its own). */
  segments: Segment[] | null;
  layout?: { component: PageComponent; config: LayoutConfig };
  middleware?: Middleware[];
  error?: PageComponent;
}

export interface FsRoutes {
  router: Router<Route>;
  app: PageComponent | null;
  folders: Map<string, Folder>;
}

const SPECIAL = new Set(["_app", "_layout", "_middleware", "_error"]);

export async function loadFsRoutes(dir: string): Promise<FsRoutes> {
  const routes: FsRoutes = { router: new Router(), app: null, folders: new Map() };
  const folder = (key: string, segments: Segment[] | null): Folder => {
    let f = routes.folders.get(key);
    if (!f) routes.folders.set(key, f = { key, segments });
    return f;
  };
  folder("", []);

  for (const path of await sourceFiles(dir)) {
    const file = relativePosix(dir, path);
    const parts = file.split("/");
    const dirParts = parts.slice(0, -1);
    if (dirParts.some((p) => p.startsWith("(_"))) continue;
    const stem = basename(file, extname(file));

    const segments: Segment[] = [];
    const dirs = [""];
    let grouped = false;
    for (let i = 0; i < dirParts.length; i++) {
      const part = dirParts[i];
      if (/^\(.+\)$/.test(part)) grouped = true;
      else segments.push(parseSegment(part, file));
      dirs.push(dirParts.slice(0, i + 1).join("/"));
      folder(dirs[dirs.length - 1], grouped ? null : [...segments]);
    }
    const here = routes.folders.get(dirs[dirs.length - 1])!;

    if (stem === "_404" || stem === "_500") {
      throw new Error(`${file}: use _error, which gets the status (404, 500) from props.error`);
    }
    if (stem.startsWith("_") && !SPECIAL.has(stem)) continue;
    const mod = await importFile(path);

    if (stem === "_app") {
      if (dirParts.length > 0) throw new Error(`${file}: _app belongs at the top of routes/`);
      routes.app = component(file, mod.default, true);
    } else if (stem === "_layout") {
      here.layout = {
        component: component(file, mod.default, true)!,
        config: (mod.config ?? {}) as LayoutConfig,
      };
    } else if (stem === "_error") {
      here.error = component(file, mod.default, true)!;
    } else if (stem === "_middleware") {
      here.middleware = middlewares(file, mod.default ?? mod.handler);
    } else {
      if (stem !== "index") segments.push(parseSegment(stem, file));
      const page = component(file, mod.default, false);
      const handler = mod.handler === undefined ? null : routeHandler(file, mod.handler);
      if (!page && !handler) {
        throw new Error(`${file}: export a default page component, a handler, or both`);
      }
      const route: Route = {
        file,
        pattern: patternToString(segments),
        page,
        handler,
        config: (mod.config ?? {}) as RouteConfig,
        dirs,
      };
      routes.router.add(segments, route);
    }
  }
  return routes;
}

function component(file: string, value: unknown, required: boolean): PageComponent | null {
  if (value === undefined && !required) return null;
  if (typeof value !== "function") {
    throw new Error(`${file}: the default export must be a component function`);
  }
  return value as PageComponent;
}

function checkArity(file: string, fn: unknown, what: string): void {
  if (typeof fn !== "function") throw new Error(`${file}: ${what} must be a function`);
  if (fn.length > 1) {
    throw new Error(
      `${file}: ${what} must only have one argument. Handlers and middleware get one ` +
        `ctx; the request is ctx.req (Fresh 1's (req, ctx) becomes (ctx)).`,
    );
  }
}

function routeHandler(file: string, value: unknown): RouteHandler {
  if (typeof value === "function") {
    checkArity(file, value, "handler");
    return value as RouteHandler;
  }
  if (typeof value !== "object" || value === null) {
    throw new Error(`${file}: handler must be a function or an object like { GET(ctx) {} }`);
  }
  for (const [method, fn] of Object.entries(value)) {
    if (!(METHODS as readonly string[]).includes(method)) {
      throw new Error(
        `${file}: handler has "${method}"; methods are ${METHODS.join(", ")} (upper case)`,
      );
    }
    checkArity(file, fn, `handler.${method}`);
  }
  return value as RouteHandler;
}

function middlewares(file: string, value: unknown): Middleware[] {
  const list = Array.isArray(value) ? value : [value];
  list.forEach((fn, i) =>
    checkArity(file, fn, Array.isArray(value) ? `middleware[${i}]` : "middleware")
  );
  return list as Middleware[];
}
