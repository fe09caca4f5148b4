/** `/app/monitors/export`: every monitor of the account and its settings, as a JSON file. */
import { defineApp as define } from "../../../web/define.ts";
import { actorOf } from "../../../services/context.ts";
import { exportMonitors } from "../../../services/websites/transfer.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const file = await exportMonitors(ctx.state.services, actorOf(ctx.state.user));
    const day = file.exportedAt.slice(0, 10);
    return new Response(JSON.stringify(file, null, 2) + "\n", {
      headers: {
        "content-type": "application/json; charset=utf-8",
        "content-disposition": `attachment; filename="uptime-monitors-${day}.json"`,
        "cache-control": "no-store",
      },
    });
  },
});
