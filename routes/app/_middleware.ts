/**
 * Every page under /app needs a session; without one, log in and come back. The teams of a
 * user in more than their own are read for the header's switcher.
 */
import { define, type SignedInState } from "../../web/define.ts";
import { teamsOf } from "../../services/teams/teams.ts";

export default define.middleware(async (ctx) => {
  if (!ctx.state.user) {
    const back = ctx.req.method === "GET" ? ctx.url.pathname + ctx.url.search : "/app";
    return ctx.redirect(`/login?next=${encodeURIComponent(back)}`);
  }
  const { services, user } = ctx.state;
  (ctx.state as SignedInState).teams = user.inTeams ? await teamsOf(services.readSql, user.id) : [];
  const res = await ctx.next();
  // Pages of one account: never kept by a shared cache or shown from history after logout.
  res.headers.set("cache-control", "private, no-store");
  return res;
});
