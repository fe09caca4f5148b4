/**
 * `/api/heartbeat/<token>`: a cron job or backup script reports that it ran (GET or
 * POST, no login: the token is the secret). 200 when recorded, 404 for an unknown or
 * paused monitor.
 */
import { define, type State } from "../../../web/define.ts";
import type { FreshContext } from "../../../fresh/mod.ts";
import { recordHeartbeat } from "../../../services/heartbeats/record_beat.ts";

async function beat(ctx: FreshContext<State>): Promise<Response> {
  const recorded = await recordHeartbeat(ctx.state.services, ctx.params.token ?? "");
  const headers = { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" };
  return recorded
    ? new Response("ok\n", { headers })
    : new Response("no active heartbeat monitor with this token\n", { status: 404, headers });
}

export const handler = define.handlers({ GET: beat, POST: beat });
