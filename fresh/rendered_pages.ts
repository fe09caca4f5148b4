/**
 * Rendered pages kept for reuse, for a page that many visitors fetch while the data behind
 * it stays the same (a public status page). Not part of Fresh: Fresh renders every request.
 *
 * An entry belongs to a data object: while the caller passes the same object (its own cache
 * keeps one per period), the HTML rendered for it is reused; a new object renders anew, and
 * the old HTML goes with the old object. Within one object, `variant` tells apart renders
 * that differ by request (the host a page is served on).
 *
 * Each response still gets its own CSP nonce: the render's nonce is cut out of the HTML and
 * headers once, and the request's nonce is put in its place, so a stored page never hands
 * out a nonce that another response used.
 *
 * ```ts
 * const rendered = new RenderedPages<PageData>();
 * GET(ctx) {
 *   const data = await cachedPageData(ctx.params.slug); // the same object for a while
 *   return rendered.respond(ctx, data, ctx.url.host, () => ctx.render(<Page {...data} />));
 * }
 * ```
 */
import { type Context, getInternals } from "./context.ts";

interface Rendered {
  status: number;
  /** Each header's value cut at the render's nonce. */
  headers: [string, string[]][];
  /** The body cut at the render's nonce. */
  body: string[];
}

export interface RenderedPagesOptions {
  /** Renders kept per data object (hosts a page is served on); the oldest goes first. */
  maxVariants?: number;
}

export class RenderedPages<Key extends object> {
  #entries = new WeakMap<Key, Map<string, Promise<Rendered | Response>>>();
  #maxVariants: number;
  /** Renders performed (for tests and benchmarks). */
  renders = 0;

  constructor(options: RenderedPagesOptions = {}) {
    this.#maxVariants = options.maxVariants ?? 16;
  }

  /**
   * The page rendered for `key` and `variant`, rendering it with `render` when there is
   * none yet. Concurrent requests wait for one render. Only a 200 is kept; any other
   * response is returned as it is, and the next request renders again.
   */
  async respond(
    // deno-lint-ignore no-explicit-any
    ctx: Context<any>,
    key: Key,
    variant: string,
    render: () => Promise<Response>,
  ): Promise<Response> {
    let variants = this.#entries.get(key);
    if (!variants) {
      variants = new Map();
      this.#entries.set(key, variants);
    }
    let pending = variants.get(variant);
    if (!pending) {
      this.renders++;
      pending = render().then((response) => keep(response, getInternals(ctx).nonce));
      variants.set(variant, pending);
      while (variants.size > this.#maxVariants) variants.delete(variants.keys().next().value!);
      pending.then(
        (result) => {
          if (result instanceof Response) variants.delete(variant);
        },
        () => variants.delete(variant),
      );
      const result = await pending;
      // The one request whose render was not kept gets that response itself.
      if (result instanceof Response) return result;
      return respondWith(result, getInternals(ctx).nonce);
    }
    const result = await pending;
    // That render was not kept (not a 200): this request renders for itself.
    if (result instanceof Response) return render();
    return respondWith(result, getInternals(ctx).nonce);
  }
}

async function keep(response: Response, nonce: string): Promise<Rendered | Response> {
  if (response.status !== 200 || !response.body) return response;
  const html = await response.text();
  return {
    status: response.status,
    headers: [...response.headers].map(([name, value]) => [name, value.split(nonce)]),
    body: html.split(nonce),
  };
}

function respondWith(rendered: Rendered, nonce: string): Response {
  // A string body, not bytes: Deno encodes it while sending, where a Uint8Array would be
  // copied into a new buffer for every response first.
  return new Response(rendered.body.join(nonce), {
    status: rendered.status,
    headers: rendered.headers.map(([name, parts]): [string, string] => [name, parts.join(nonce)]),
  });
}
