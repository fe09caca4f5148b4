/** tRPC's root: the context type, error shape, and the two kinds of procedure. */
import { initTRPC, TRPCError } from "@trpc/server";
import { actorOf, type Services } from "../../services/context.ts";
import type { SessionUser } from "../../services/users/sessions.ts";
import { publicMessage, toTRPCError } from "./errors.ts";
import { VIEWER_REFUSAL } from "../../services/teams/teams.ts";

export interface TrpcContext {
  services: Services;
  req: Request;
  resHeaders: Headers;
  /** The client address, for rate limits. */
  ip: string;
  sessionToken: string | undefined;
  user: SessionUser | null;
  /** The caller sent an API token (`Authorization: Bearer upt_…`), not a session cookie. */
  apiToken: boolean;
  /** That token is read-only: queries alone. */
  readOnly: boolean;
  /** Whether the app is served over https (Secure cookies). */
  secure: boolean;
}

const t = initTRPC.context<TrpcContext>().create({
  isDev: false,
  errorFormatter({ shape, error }) {
    return { ...shape, message: publicMessage(error), data: { ...shape.data, stack: undefined } };
  },
});

/** Maps domain errors to API errors, and adds Retry-After to rate-limit refusals. */
const mapErrors = t.middleware(async ({ ctx, next }) => {
  const result = await next();
  if (result.ok) return result;
  const error = toTRPCError(result.error);
  const retryAfter = (error.cause as { details?: { retryAfterSeconds?: number } })?.details
    ?.retryAfterSeconds;
  if (retryAfter) ctx.resHeaders.set("Retry-After", String(retryAfter));
  throw error;
});

export const router = t.router;
export const publicProcedure = t.procedure.use(mapErrors);

/** Signed in; `ctx.actor` is who they are. */
const signedInProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first" });
  return next({ ctx: { ...ctx, user: ctx.user, actor: actorOf(ctx.user) } });
});

/**
 * A procedure about the team's monitors, pages, alerts and the like. A read-only API token
 * calls its queries and no mutation, and so does a viewer of the team.
 */
export const authedProcedure = signedInProcedure.use(({ ctx, type, next }) => {
  if (type !== "query" && (ctx.user.viewer || ctx.readOnly)) {
    throw new TRPCError({
      code: "FORBIDDEN",
      message: ctx.user.viewer
        ? VIEWER_REFUSAL
        : "This API token is read-only; create one that may change things",
    });
  }
  return next();
});

/**
 * A procedure about the caller's own sign-in, API tokens or place in a team: a browser
 * session only, so a leaked token cannot take the account over or make itself more tokens.
 * A viewer may: these are theirs, not the team's.
 */
export const sessionProcedure = signedInProcedure.use(({ ctx, next }) => {
  if (ctx.apiToken) {
    throw new TRPCError({
      code: "FORBIDDEN",
      message: "An API token cannot do this; sign in to the dashboard",
    });
  }
  return next();
});
