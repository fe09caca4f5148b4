/** The monitor list is the dashboard's home, /app; its section's own address leads there. */
import { define } from "../../../web/define.ts";

export const handler = define.handlers({
  GET: (ctx) => ctx.redirect(`/app${ctx.url.search}`, 301),
});
