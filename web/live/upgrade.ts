/**
 * Accepts a browser's WebSocket on `/api/ws`: same origin only, the session cookie names
 * the user (or nobody: status pages are public), then a {@link LiveSession} takes over.
 */
import type { Context } from "../../fresh/mod.ts";
import { log } from "../../lib/logger.ts";
import { resolveSession } from "../../services/users/sessions.ts";
import type { State } from "../define.ts";
import { readSessionCookie } from "../trpc/cookies.ts";
import { liveHub } from "./hub.ts";
import { LiveSession } from "./session.ts";
import { isSameOrigin } from "../same_origin.ts";
import { clientIp } from "../client_ip.ts";
import { addressCap } from "./address_cap.ts";

export async function acceptLiveSocket(ctx: Context<State>): Promise<Response> {
  const { req } = ctx;
  const { services } = ctx.state;
  if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
    return ctx.text("Expected a WebSocket upgrade (this is /api/ws)", {
      status: 426,
      headers: { upgrade: "websocket" },
    });
  }
  // Browsers send the cookie on cross-site WebSocket handshakes too; only Origin tells.
  if (!isSameOrigin(req, services.config.appUrl)) {
    return ctx.text("Cross-origin WebSocket connections are refused", { status: 403 });
  }
  const hub = liveHub(services);
  if (hub.size >= hub.options.maxSockets) {
    return ctx.text("Too many live connections; try again later", {
      status: 503,
      headers: { "retry-after": "30" },
    });
  }
  const address = clientIp(req, ctx.info, services.config.trustedProxies);
  const cap = addressCap(services);
  if (!cap.hasRoom(address)) {
    return ctx.text("Too many live connections from your address", {
      status: 429,
      headers: { "retry-after": "30" },
    });
  }
  let user;
  const token = readSessionCookie(req);
  try {
    user = await resolveSession(services, token);
  } catch (error) {
    log.error("live.session_failed", { error });
    return ctx.text("Could not check the session; try again", { status: 503 });
  }
  // Read now: once upgraded, the request is closed.
  const cookies = req.headers.get("cookie");
  let session: LiveSession | null = null;
  let counted = false;
  return ctx.upgrade({
    open(socket) {
      // Checked again: many handshakes from one address may have passed the check at once.
      if (!(counted = cap.acquire(address))) {
        return socket.close(1013, "too many live connections from your address");
      }
      session = new LiveSession(socket, liveHub(services), services, user, token, { cookies });
    },
    message(_socket, event) {
      session?.receive(event.data);
    },
    close() {
      if (counted) cap.release(address);
      counted = false;
      session?.closed();
    },
    error() {
      // A close event follows; nothing else to do.
    },
  });
}
