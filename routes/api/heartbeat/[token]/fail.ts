/**
 * `/api/heartbeat/<token>/fail`: a cron job or backup script reports that it ran and
 * failed (GET or POST, no login: the token is the secret), as Better Stack and
 * healthchecks.io take it. What a POST sends (the job's last output, say) is the down
 * result's message, its first 200 characters on one line. 200 when recorded, 404 for an
 * unknown or paused monitor.
 */
import { define, type State } from "../../../../web/define.ts";
import type { FreshContext } from "../../../../fresh/mod.ts";
import { jobFailureMessage, recordHeartbeat } from "../../../../services/heartbeats/record_beat.ts";

/** Read of a body at most: the message keeps 200 characters of it. */
const READ_BYTES = 4096;
/** How long the body is waited for. */
const READ_MS = 5_000;

async function failed(ctx: FreshContext<State>): Promise<Response> {
  const said = ctx.req.method === "POST" ? await start(ctx.req) : "";
  const recorded = await recordHeartbeat(
    ctx.state.services,
    ctx.params.token ?? "",
    jobFailureMessage(said),
  );
  const headers = { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" };
  return recorded
    ? new Response("failure recorded\n", { headers })
    : new Response("no active heartbeat monitor with this token\n", { status: 404, headers });
}

/**
 * The start of the body as text, however long the rest; what arrived within
 * {@link READ_MS} when the job sends slowly, or stops sending.
 */
async function start(req: Request): Promise<string> {
  const reader = req.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  const timer = setTimeout(() => reader.cancel().catch(() => {}), READ_MS);
  try {
    while (size < READ_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } catch {
    // Cut off or cancelled: what arrived is what it said.
  } finally {
    clearTimeout(timer);
    reader.cancel().catch(() => {});
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return new TextDecoder().decode(bytes.slice(0, READ_BYTES));
}

export const handler = define.handlers({ GET: failed, POST: failed });
