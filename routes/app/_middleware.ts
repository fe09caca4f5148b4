/**
 * Every page under /app needs a session; without one, log in and come back. The teams of a
 * user in more than their own are read for the header's switcher. A viewer of the team
 * posts only what is theirs: their account, two-factor, tokens, switching or leaving teams.
 */
import { HttpError } from "../../fresh/mod.ts";
import { define, type SignedInState } from "../../web/define.ts";
import { teamsOf, VIEWER_REFUSAL } from "../../services/teams/teams.ts";

const VIEWER_MAY_POST = new Set([
  "/app/account",
  "/app/two-factor",
  "/app/api-tokens",
  "/app/switch-team",
  "/app/team",
]);

export default define.middleware(async (ctx) => {
  if (!ctx.state.user) {
    const back = ctx.req.method === "GET" ? ctx.url.pathname + ctx.url.search : "/app";
    return ctx.redirect(`/login?next=${encodeURIComponent(back)}`);
  }
  const { services, user } = ctx.state;
  const reads = ctx.req.method === "GET" || ctx.req.method === "HEAD";
  if (user.viewer && !reads && !VIEWER_MAY_POST.has(ctx.url.pathname.replace(/\/+$/, ""))) {
    throw new HttpError(403, `${VIEWER_REFUSAL}.`);
  }
  (ctx.state as SignedInState).teams = user.inTeams ? await teamsOf(services.readSql, user.id) : [];
  const res = await ctx.next();
  // Pages of one account: never kept by a shared cache or shown from history after logout.
  res.headers.set("cache-control", "private, no-store");
  return res;
});
