import type { ComponentChildren, FunctionComponent, VNode } from "preact";
import type { Context } from "./context.ts";

export type MaybePromise<T> = T | Promise<T>;

/** The HTTP methods a handler object may answer. */
export const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
export type Method = typeof METHODS[number];

/** A function that gets the request context and answers, usually by calling `ctx.next()`. */
export type Middleware<State = unknown> = (ctx: Context<State>) => MaybePromise<Response>;

/** What `page()` returns: data for the route's page component plus response options. */
export interface PageResponse<Data> {
  readonly data: Data;
  readonly status?: number;
  readonly headers?: HeadersInit;
}

/** A route handler answering every method. */
export type HandlerFn<Data = unknown, State = unknown> = (
  ctx: Context<State>,
) => MaybePromise<Response | PageResponse<Data>>;

/** A route handler with one function per method; other methods get a 405. */
export type HandlerByMethod<Data = unknown, State = unknown> = {
  [M in Method]?: HandlerFn<Data, State>;
};

export type RouteHandler<Data = unknown, State = unknown> =
  | HandlerFn<Data, State>
  | HandlerByMethod<Data, State>;

/** Props of page, layout and `_app` components. */
export interface PageProps<Data = unknown, State = unknown> {
  /** The wrapped content: the page inside a layout or `_app`. */
  Component: FunctionComponent;
  data: Data;
  url: URL;
  req: Request;
  params: Record<string, string>;
  state: State;
  info: Deno.ServeHandlerInfo;
  /** The route pattern that matched, e.g. `/websites/:id`. */
  route: string | null;
  /** What was thrown, on the `_error` page; null elsewhere. */
  error: unknown;
}

/** A page component may be async and may answer with a Response instead of markup. */
export type PageComponent<Data = unknown, State = unknown> = (
  props: PageProps<Data, State>,
) => ComponentChildren | Promise<ComponentChildren | Response>;

/** `export const config` in a route or layout file. */
export interface RouteConfig {
  /** Render without `_app`. */
  skipAppWrapper?: boolean;
  /** Ignore `_layout` files of the folders above. */
  skipInheritedLayouts?: boolean;
}

export type LayoutConfig = RouteConfig;

export type AnyVNode = VNode<Record<string, unknown>>;
