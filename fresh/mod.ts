/**
 * A small Fresh-2-style web layer (Fresh itself is published only on JSR, which we
 * cannot reach). Route and island files use the same names as `@fresh/core`.
 */
export { App, type ClientBuild } from "./app.ts";
export { Context, sameSiteLocation, type WebSocketHandlers } from "./context.ts";
export { createDefine, type Define, page } from "./define.ts";
export { HttpError } from "./error.ts";
export { buildClient, loadClientBuild, watchIslands, writeClientBuild } from "./bundle.ts";
export { loadIslands } from "./islands.ts";
export {
  buildProject,
  createFreshProject,
  type FreshProject,
  type FreshProjectOptions,
} from "./project.ts";
export { RenderedPages, type RenderedPagesOptions } from "./rendered_pages.ts";
export { contentSecurityPolicy } from "./security_headers.ts";
export type {
  HandlerByMethod,
  HandlerFn,
  LayoutConfig,
  Method,
  Middleware,
  PageComponent,
  PageProps,
  PageResponse,
  RouteConfig,
  RouteHandler,
} from "./types.ts";

/** Fresh's older name for {@link Context}. */
export type { Context as FreshContext } from "./context.ts";
