/**
 * uPlot's own stylesheet, read from the pinned npm package, for the pages that draw a
 * chart. Served as a file from 'self', as the CSP requires; the ETag is the package's
 * version, so a browser revalidates cheaply and an upgrade reaches it.
 */
import { createRequire } from "node:module";
import { define } from "../../web/define.ts";

const require = createRequire(import.meta.url);
const CSS_PATH = require.resolve("uplot/dist/uPlot.min.css");
const VERSION: string = require("uplot/package.json").version;
const ETAG = `"uplot-${VERSION}"`;

let css: Promise<string> | null = null;

export const handler = define.handlers({
  async GET(ctx) {
    const headers = {
      "content-type": "text/css; charset=utf-8",
      "cache-control": "public, max-age=86400",
      etag: ETAG,
    };
    if (ctx.req.headers.get("if-none-match") === ETAG) {
      return new Response(null, { status: 304, headers });
    }
    css ??= Deno.readTextFile(CSS_PATH);
    return new Response(await css, { headers });
  },
});
