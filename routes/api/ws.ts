/** `/api/ws`: live check results over a WebSocket (protocol in `web/live/messages.ts`). */
import { define } from "../../web/define.ts";
import { acceptLiveSocket } from "../../web/live/upgrade.ts";

export const handler = define.handlers({
  GET: (ctx) => acceptLiveSocket(ctx),
});
