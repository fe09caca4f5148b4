/**
 * Turns a page into an HTML response: wraps it in layouts and `_app`, renders it to a
 * string, inlines the page's CSS and, only when the page has islands, adds the data and
 * the runtime script that hydrate them.
 */
import { type ComponentChildren, Fragment, h, isValidElement, type VNode } from "preact";
import { renderToString } from "preact-render-to-string";
import { type Context, getInternals } from "./context.ts";
import { collectClasses } from "./class_names.ts";
import { collectIslands, type IslandUse, RenderState } from "./islands.ts";
import { htmlHeaders } from "./security_headers.ts";
import type { PageStyles } from "./styles.ts";
import { recordTiming } from "../lib/server_timing.ts";
import type { LayoutConfig, PageComponent, PageProps } from "./types.ts";

/** URLs of the client build: the runtime, and the chunk of each island file. */
export interface ClientAssets {
  runtime: string;
  chunks: Map<string, string>;
}

export interface RenderDeps {
  styles: PageStyles;
  assets(): ClientAssets | null;
}

// deno-lint-ignore no-explicit-any
type AnyContext = Context<any>;

const AsyncFunction = (async () => {}).constructor;

/** Props for page, layout and `_app` components. */
export function pageProps(ctx: AnyContext, data: unknown, child: VNode | null): PageProps {
  return {
    Component: () => child,
    data,
    url: ctx.url,
    req: ctx.req,
    params: ctx.params,
    state: ctx.state,
    info: ctx.info,
    route: ctx.route,
    error: ctx.error,
  };
}

/**
 * Sync components become vnodes rendered later; async ones are awaited now, since
 * render-to-string is synchronous (which also keeps island collection per request).
 */
export async function callComponent(
  component: PageComponent,
  props: PageProps,
  // deno-lint-ignore no-explicit-any
): Promise<VNode<any> | Response> {
  if (!(component instanceof AsyncFunction)) {
    return h(component as (p: PageProps) => VNode, props);
  }
  const result = await component(props);
  if (result instanceof Response) return result;
  return isValidElement(result) ? result : h(Fragment, null, result as ComponentChildren);
}

/** Renders `vnode` inside the layouts and `_app` of the context's route. */
export function createRenderer(deps: RenderDeps) {
  return async function render(
    ctx: AnyContext,
    vnode: VNode | null,
    init: ResponseInit,
    config: LayoutConfig,
  ): Promise<Response> {
    const internals = getInternals(ctx);
    const { tree, nonce } = internals;
    let node = vnode;
    let layouts = tree.layouts;
    if (config.skipInheritedLayouts || tree.config.skipInheritedLayouts) layouts = [];
    const cut = layouts.findLastIndex((l) => l.config.skipInheritedLayouts);
    if (cut > 0) layouts = layouts.slice(cut);
    for (let i = layouts.length - 1; i >= 0; i--) {
      const result = await callComponent(
        layouts[i].component,
        pageProps(ctx, internals.data, node),
      );
      if (result instanceof Response) return result;
      node = result;
    }
    const skipApp = config.skipAppWrapper || tree.config.skipAppWrapper ||
      layouts.some((l) => l.config.skipAppWrapper);
    if (tree.app && !skipApp) {
      const result = await callComponent(tree.app, pageProps(ctx, internals.data, node));
      if (result instanceof Response) return result;
      node = result;
    }

    const began = performance.now();
    const state = new RenderState();
    const classes = new Set<string>();
    let html = collectIslands(
      state,
      () => collectClasses(classes, () => renderToString(node ?? h(Fragment, null))),
    );
    if (!/^<html[\s>]/i.test(html)) html = defaultDocument(html);
    const extracted = deps.styles.extract(html, classes);
    html = extracted.html;
    const islandCss = state.islands.length > 0 ? "fresh-island,fresh-slot{display:contents}" : "";
    const css = (islandCss + extracted.css).replaceAll("</style", "<\\/style");
    html = insertBefore(html, "</head>", `<style nonce="${nonce}">${css}</style>`);
    if (state.islands.length > 0) {
      html = insertBefore(html, "</body>", islandScripts(state, deps.assets(), nonce));
    }
    recordTiming("render", performance.now() - began);

    return new Response("<!DOCTYPE html>" + html, {
      status: init.status ?? 200,
      statusText: init.statusText,
      headers: htmlHeaders(nonce, init.headers),
    });
  };
}

function defaultDocument(body: string): string {
  return `<html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"></head>` +
    `<body>${body}</body></html>`;
}

function insertBefore(html: string, marker: string, insert: string): string {
  const at = html.indexOf(marker);
  if (at === -1) return marker === "</head>" ? insert + html : html + insert;
  return html.slice(0, at) + insert + html.slice(at);
}

function islandScripts(state: RenderState, assets: ClientAssets | null, nonce: string): string {
  if (!assets) {
    throw new Error("This page has islands but no client build is loaded; call setClientBuild()");
  }
  const islands = state.islands.map((use: IslandUse) => {
    const chunk = assets.chunks.get(use.file);
    if (!chunk) {
      throw new Error(
        `Island ${use.file} is missing from the client build; rebuild with \`deno task build\` ` +
          `or restart the dev server`,
      );
    }
    return { chunk, exportName: use.exportName, props: use.props, slot: use.slot };
  });
  // "<" escaped so no string in the data can close the script element.
  const data = JSON.stringify({ signals: state.encoder.signals, islands })
    .replaceAll("<", "\\u003c");
  return `<script id="__FRSH_STATE" type="application/json" nonce="${nonce}">${data}</script>` +
    `<script type="module" nonce="${nonce}" src="${assets.runtime}"></script>`;
}
