import type {
  HandlerByMethod,
  HandlerFn,
  Middleware,
  PageComponent,
  PageResponse,
  RouteHandler,
} from "./types.ts";

/** Typed identity helpers for route files, made once per app by {@link createDefine}. */
export interface Define<State> {
  /**
   * ```ts
   * export const handler = define.handlers({
   *   async GET(ctx) {
   *     return page({ website: await getWebsite(ctx.params.id) });
   *   },
   * });
   * ```
   */
  handlers<Data, Handlers extends RouteHandler<Data, State> = RouteHandler<Data, State>>(
    handlers: Handlers,
  ): typeof handlers;

  /**
   * ```tsx
   * export default define.page<typeof handler>(({ data }) => <h1>{data.website.name}</h1>);
   * ```
   */
  page<
    // deno-lint-ignore no-explicit-any
    Handler extends RouteHandler<any, State> = never,
    Data = Handler extends HandlerFn<infer D, State> ? D
      : Handler extends HandlerByMethod<infer D, State> ? D
      : never,
  >(render: PageComponent<Data, State>): typeof render;

  /** A layout or `_app` component. */
  layout(render: PageComponent<unknown, State>): typeof render;

  /**
   * ```ts
   * export default define.middleware(async (ctx) => {
   *   ctx.state.user = await userFromSession(ctx.req);
   *   return ctx.next();
   * });
   * ```
   */
  middleware<M extends Middleware<State> | Middleware<State>[]>(middleware: M): typeof middleware;
}

/**
 * Makes the `define` helpers for an app's state type; call once and export the result.
 *
 * ```ts
 * export const define = createDefine<{ user?: User }>();
 * ```
 */
export function createDefine<State>(): Define<State> {
  return {
    handlers: (handlers) => handlers,
    page: (render) => render,
    layout: (render) => render,
    middleware: (middleware) => middleware,
  };
}

const PAGE = Symbol.for("fresh.page_response");

/**
 * Answers a handler with data for the route's page component.
 *
 * ```ts
 * return page({ website }, { status: 201, headers: { "cache-control": "no-store" } });
 * ```
 */
export function page<Data>(
  data?: Data,
  options?: { status?: number; headers?: HeadersInit },
): PageResponse<Data> {
  const response = { data: data as Data, status: options?.status, headers: options?.headers };
  return Object.assign(response, { [PAGE]: true });
}

export function isPageResponse(value: unknown): value is PageResponse<unknown> {
  return typeof value === "object" && value !== null && PAGE in value;
}
