/**
 * Changing one's name and email. The name is what acknowledgements show ("By Ada"); the
 * email is the sign-in name, so changing it asks for the current password, as changing
 * the password does (a borrowed, unlocked browser is not enough), and counts against the
 * same limit of attempts. Sessions stay signed in; password reset links mailed to the old
 * address stop working.
 */
import { eq } from "drizzle-orm";
import { z } from "zod";
import { passwordResets, users } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import { DomainError, isUniqueViolation } from "../errors.ts";
import { emailSchema } from "./accounts.ts";
import { checkCurrentPassword } from "./current_password.ts";
import type { SessionUser } from "./sessions.ts";

export const updateProfileInput = z.object({
  /** Empty: no name (acknowledgements show the email). */
  name: z.string().trim().max(100, "name: at most 100 characters"),
  email: emailSchema,
  /** Needed only when the email changes. */
  currentPassword: z.string().max(256, "currentPassword: at most 256 characters").optional(),
});

export async function updateProfile(
  services: Services,
  actor: Actor,
  input: z.output<typeof updateProfileInput>,
): Promise<SessionUser> {
  const [row] = await services.db.select().from(users).where(eq(users.id, actor.userId));
  if (!row) throw new DomainError("UNAUTHORIZED", "Sign in first");
  if (input.email !== row.email) {
    if (!input.currentPassword) {
      throw new DomainError(
        "BAD_REQUEST",
        "currentPassword: enter your current password to change your email",
      );
    }
    await checkCurrentPassword(services, actor.userId, input.currentPassword);
  }
  try {
    return await services.db.transaction(async (tx) => {
      const [user] = await tx.update(users)
        .set({ name: input.name || null, email: input.email })
        .where(eq(users.id, actor.userId))
        .returning({ id: users.id, email: users.email, name: users.name });
      if (input.email !== row.email) {
        await tx.delete(passwordResets).where(eq(passwordResets.userId, actor.userId));
      }
      return { ...user, accountId: actor.accountId };
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new DomainError("CONFLICT", "email: an account with this email exists");
    }
    throw error;
  }
}
