/**
 * Ends every session of the user, this one included: for a lost laptop or a shared
 * computer. Live sockets of these sessions close at their next access check
 * (web/live/session.ts re-resolves the session every few pings).
 */
import { eq } from "drizzle-orm";
import { sessions } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";

export async function signOutEverywhere(
  services: Services,
  actor: Actor,
): Promise<{ sessionsEnded: number }> {
  const ended = await services.db.delete(sessions).where(eq(sessions.userId, actor.userId))
    .returning({ tokenHash: sessions.tokenHash });
  return { sessionsEnded: ended.length };
}
