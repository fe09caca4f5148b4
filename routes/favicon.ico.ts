/**
 * `/favicon.ico`: the SVG icon under the name browsers ask for by themselves (for a
 * feed, a badge or an error page, which name no icon), rather than a 404 in the log.
 */
import { define } from "../web/define.ts";

const ICON = new URL("../static/favicon.svg", import.meta.url);

let svg: Promise<Uint8Array> | null = null;

export const handler = define.handlers({
  async GET() {
    svg ??= Deno.readFile(ICON);
    return new Response(await svg as Uint8Array<ArrayBuffer>, {
      headers: {
        "content-type": "image/svg+xml",
        "cache-control": "public, max-age=86400",
        "x-content-type-options": "nosniff",
      },
    });
  },
});
