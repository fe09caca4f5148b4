/**
 * For every page: who is signed in (from the session cookie), and no cross-site form
 * posts. The API and public status pages resolve what they need themselves.
 */
import { HttpError } from "../fresh/mod.ts";
import { define } from "../web/define.ts";
import { isSameOrigin } from "../web/same_origin.ts";
import { readSessionCookie } from "../web/trpc/cookies.ts";
import { resolveSession } from "../services/users/sessions.ts";
import { timed } from "../lib/server_timing.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export default define.middleware(async (ctx) => {
  ctx.state.user = null;
  const path = ctx.url.pathname;
  if (path.startsWith("/api/")) return ctx.next();
  const { services } = ctx.state;
  if (!SAFE_METHODS.has(ctx.req.method) && !isSameOrigin(ctx.req, services.config.appUrl)) {
    throw new HttpError(403, "Forms may only be sent from this site");
  }
  const token = readSessionCookie(ctx.req);
  if (token) ctx.state.user = await timed("session", resolveSession(services, token));
  return ctx.next();
});
