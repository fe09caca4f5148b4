/**
 * Every page under /app needs a session; without one, log in and come back. The teams of a
 * user in more than their own are read for the header's switcher. A viewer of the team
 * posts only what is theirs: their account, two-factor, tokens, switching or leaving teams.
 */
import { HttpError } from "../../fresh/mod.ts";
import { define, type SignedInState } from "../../web/define.ts";
import { teamsOf, VIEWER_REFUSAL } from "../../services/teams/teams.ts";

/**
 * Pages a viewer may not open: forms that only change things, and those that show what a
 * viewer must not read (monitors' credentials on their edit forms and in the export, the
 * status page editor's subscribers).
 */
const VIEWER_MAY_NOT_OPEN =
  /^\/app\/(monitors\/(new|import|export|bulk)|monitors\/[^/]+\/(edit|pause|resume|delete)|notifications\/(new|[^/]+\/(edit|delete))|maintenance\/[^/]+\/edit|status-pages\/[^/]+)$/;

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
  const path = ctx.url.pathname.replace(/\/+$/, "");
  if (user.viewer && (reads ? VIEWER_MAY_NOT_OPEN.test(path) : !VIEWER_MAY_POST.has(path))) {
    throw new HttpError(403, `${VIEWER_REFUSAL}.`);
  }
  (ctx.state as SignedInState).teams = user.inTeams ? await teamsOf(services.readSql, user.id) : [];
  const res = await ctx.next();
  // Pages of one account: never kept by a shared cache or shown from history after logout.
  res.headers.set("cache-control", "private, no-store");
  return res;
});
