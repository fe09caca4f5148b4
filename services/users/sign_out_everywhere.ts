/**
 * Ends every session of the user, this one included, and revokes every API token: for a
 * lost laptop, a shared computer or a session someone else took (who may have made a token
 * with it). Live sockets of these sessions close at their next access check
 * (web/live/session.ts re-resolves the session every few pings).
 */
import { eq } from "drizzle-orm";
import { apiTokens, sessions } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import { endPendingSecondFactor } from "./two_factor.ts";

export async function signOutEverywhere(
  services: Services,
  actor: Actor,
): Promise<{ sessionsEnded: number; tokensRevoked: number }> {
  await endPendingSecondFactor(services.sql, actor.userId);
  return await services.db.transaction(async (tx) => {
    const ended = await tx.delete(sessions).where(eq(sessions.userId, actor.userId))
      .returning({ tokenHash: sessions.tokenHash });
    const revoked = await tx.delete(apiTokens).where(eq(apiTokens.userId, actor.userId))
      .returning({ id: apiTokens.id });
    return { sessionsEnded: ended.length, tokensRevoked: revoked.length };
  });
}
