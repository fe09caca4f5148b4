/**
 * Changing one's password: the current one must be given (a borrowed, unlocked browser is
 * not enough), and every other session of the user ends, so a thief's copy of the cookie
 * stops working, as does every password reset link. The session that made the change stays.
 */
import { and, eq, ne } from "drizzle-orm";
import { z } from "zod";
import { passwordResets, sessions, users } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import { DomainError } from "../errors.ts";
import { hashPassword } from "./password.ts";
import { checkCurrentPassword } from "./current_password.ts";
import { sha256 } from "./sessions.ts";
import { endPendingSecondFactor } from "./two_factor.ts";

export const changePasswordInput = z.object({
  currentPassword: z.string()
    .min(1, "currentPassword: enter your current password")
    .max(256, "currentPassword: at most 256 characters"),
  // The sign-up rule (accounts.ts), with the message at this field.
  newPassword: z.string()
    .min(8, "newPassword: at least 8 characters")
    .max(256, "newPassword: at most 256 characters"),
});

export type ChangePasswordInput = z.infer<typeof changePasswordInput>;

export async function changePassword(
  services: Services,
  actor: Actor,
  input: ChangePasswordInput,
  /** The token of the session making the change, which stays signed in. */
  currentToken: string | undefined,
): Promise<{ otherSessionsEnded: number }> {
  await checkCurrentPassword(services, actor.userId, input.currentPassword);
  if (input.newPassword === input.currentPassword) {
    throw new DomainError("BAD_REQUEST", "newPassword: choose a password you do not use now");
  }
  const passwordHash = await hashPassword(input.newPassword);
  const keep = currentToken ? await sha256(currentToken) : "";
  await endPendingSecondFactor(services.sql, actor.userId);
  return await services.db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash }).where(eq(users.id, actor.userId));
    await tx.delete(passwordResets).where(eq(passwordResets.userId, actor.userId));
    const ended = await tx.delete(sessions)
      .where(and(eq(sessions.userId, actor.userId), ne(sessions.tokenHash, keep)))
      .returning({ tokenHash: sessions.tokenHash });
    return { otherSessionsEnded: ended.length };
  });
}
