import type { FunctionComponent, VNode } from "preact";
import { HttpError } from "./error.ts";
import type { LayoutConfig, PageComponent, RouteConfig } from "./types.ts";

/** What the renderer needs to wrap a page: the components of the matched route. */
export interface UiTree {
  app: PageComponent | null;
  layouts: { component: PageComponent; config: LayoutConfig }[];
  page: PageComponent | null;
  config: RouteConfig;
}

/** Per-request internals the renderer reads; kept off the public surface of Context. */
export interface RequestInternals {
  tree: UiTree;
  /** What the handler passed to `page()`, for the page, layouts and `_app`. */
  data: unknown;
  nonce: string;
  requestId: string;
  render(
    // deno-lint-ignore no-explicit-any
    ctx: Context<any>,
    vnode: VNode | null,
    init: ResponseInit,
    config: LayoutConfig,
  ): Promise<Response>;
}

/** Event handlers for {@link Context.upgrade} in managed mode. */
export interface WebSocketHandlers {
  open?(socket: WebSocket): void;
  message?(socket: WebSocket, event: MessageEvent): void;
  close?(socket: WebSocket, code: number, reason: string): void;
  error?(socket: WebSocket, event: Event): void;
}

// deno-lint-ignore no-explicit-any
export let getInternals: (ctx: Context<any>) => RequestInternals;

/**
 * The one argument every middleware, handler and page gets. A new one per request.
 *
 * ```ts
 * export const handler = define.handlers({
 *   GET(ctx) {
 *     if (!ctx.state.user) return ctx.redirect("/login");
 *     return page({ id: ctx.params.id });
 *   },
 * });
 * ```
 */
export class Context<State = unknown> {
  /** The incoming request. */
  readonly req: Request;
  /** The request URL, parsed. */
  readonly url: URL;
  /** Connection info from `Deno.serve` (remote address). */
  readonly info: Deno.ServeHandlerInfo;
  /** The matched route pattern, e.g. `/websites/:id`; null when no route matched. */
  route: string | null;
  /** Values of the `[param]` segments of the matched route. */
  params: Record<string, string>;
  /** Shared by all middlewares and the route for this request. */
  readonly state: State = {} as State;
  /** What was thrown, while the `_error` page renders. */
  error: unknown = null;
  /** Runs the next middleware or the route and returns its response. */
  next: () => Promise<Response>;
  /** The wrapped content inside layouts and `_app`. */
  Component: FunctionComponent = () => null;

  #internals: RequestInternals;

  static {
    getInternals = (ctx) => ctx.#internals;
  }

  constructor(
    req: Request,
    url: URL,
    info: Deno.ServeHandlerInfo,
    internals: RequestInternals,
  ) {
    this.req = req;
    this.url = url;
    this.info = info;
    this.route = null;
    this.params = {};
    this.next = () => Promise.reject(new HttpError(404));
    this.#internals = internals;
  }

  /**
   * Renders JSX inside the route's layouts and `_app` as an HTML response.
   *
   * ```tsx
   * return ctx.render(<p>Saved</p>, { status: 201 });
   * ```
   */
  render(
    vnode: VNode | null,
    init: ResponseInit = {},
    config: LayoutConfig = {},
  ): Promise<Response> {
    return this.#internals.render(this, vnode, init, config);
  }

  /**
   * Redirects within this site. Paths like `//evil.com` or `/\evil.com`, which browsers
   * read as another host, are collapsed to a path on this site; an absolute URL to
   * another origin is refused with a 400, so a `?next=` parameter cannot send users away.
   *
   * ```ts
   * return ctx.redirect(ctx.url.searchParams.get("next") ?? "/");
   * ```
   */
  redirect(pathOrUrl: string, status = 302): Response {
    return new Response(null, {
      status,
      headers: { location: sameSiteLocation(pathOrUrl, this.url) },
    });
  }

  /**
   * Upgrades the request to a WebSocket. Without handlers it returns the socket and the
   * response to return; with handlers it wires them and returns the response.
   *
   * ```ts
   * GET(ctx) {
   *   return ctx.upgrade({ message: (socket, e) => socket.send(e.data) });
   * }
   * ```
   */
  upgrade(options?: Deno.UpgradeWebSocketOptions): { socket: WebSocket; response: Response };
  upgrade(handlers: WebSocketHandlers, options?: Deno.UpgradeWebSocketOptions): Response;
  upgrade(
    first?: Deno.UpgradeWebSocketOptions | WebSocketHandlers,
    second?: Deno.UpgradeWebSocketOptions,
  ): { socket: WebSocket; response: Response } | Response {
    if (this.req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      throw new HttpError(400, "Expected a WebSocket upgrade request");
    }
    const handlers = first && isHandlers(first) ? first : null;
    const options = handlers ? second : first as Deno.UpgradeWebSocketOptions | undefined;
    const upgraded = Deno.upgradeWebSocket(this.req, options);
    if (!handlers) return upgraded;
    const { socket } = upgraded;
    if (handlers.open) socket.onopen = () => handlers.open!(socket);
    if (handlers.message) socket.onmessage = (e) => handlers.message!(socket, e);
    if (handlers.close) socket.onclose = (e) => handlers.close!(socket, e.code, e.reason);
    if (handlers.error) socket.onerror = (e) => handlers.error!(socket, e);
    return upgraded.response;
  }

  /** A plain-text response. */
  text(body: string, init?: ResponseInit): Response {
    const headers = new Headers(init?.headers);
    if (!headers.has("content-type")) headers.set("content-type", "text/plain; charset=utf-8");
    return new Response(body, { ...init, headers });
  }

  /** A JSON response. */
  json(body: unknown, init?: ResponseInit): Response {
    return Response.json(body, init);
  }
}

function isHandlers(value: object): value is WebSocketHandlers {
  return ["open", "message", "close", "error"].some((key) =>
    typeof (value as Record<string, unknown>)[key] === "function"
  );
}

/**
 * The Location for a redirect that stays on `current`'s origin. Throws a 400 for
 * targets that would leave it.
 */
export function sameSiteLocation(target: string, current: URL): string {
  // Browsers drop tabs and newlines from URLs, which turns "/\t/evil.com" into "//evil.com".
  // deno-lint-ignore no-control-regex
  if (/[\x00-\x1f\x7f]/.test(target)) {
    throw new HttpError(400, "Redirect target contains control characters");
  }
  if (target.startsWith("/") || target.startsWith("\\")) {
    const end = target.search(/[?#]/);
    const path = end === -1 ? target : target.slice(0, end);
    const rest = end === -1 ? "" : target.slice(end);
    // "\" counts as "/" in browsers, so "/\evil.com" is protocol-relative as well.
    return path.replaceAll("\\", "/").replace(/\/{2,}/g, "/") + rest;
  }
  let resolved: URL;
  try {
    resolved = new URL(target, current);
  } catch {
    throw new HttpError(400, "Redirect target is not a valid URL");
  }
  if (resolved.origin !== current.origin) {
    throw new HttpError(400, "Redirect target is on another site");
  }
  return target;
}
