/**
 * The current password, asked before a signed-in user changes how they sign in (password,
 * email, two-factor): a borrowed, unlocked browser is not enough. Each ask counts against
 * the limit on guesses (login_limits.ts).
 */
import { eq } from "drizzle-orm";
import { users } from "../../db/postgres/schema.ts";
import type { Services } from "../context.ts";
import { DomainError } from "../errors.ts";
import { verifyPassword } from "./password.ts";
import { checkPasswordChangeAllowed } from "./login_limits.ts";

/** Refuses, at the `currentPassword` field, unless `password` is the user's. */
export async function checkCurrentPassword(
  services: Services,
  userId: string,
  password: string,
): Promise<void> {
  await checkPasswordChangeAllowed(services, userId);
  const [row] = await services.db.select({ passwordHash: users.passwordHash }).from(users)
    .where(eq(users.id, userId));
  if (!row) throw new DomainError("UNAUTHORIZED", "Sign in first");
  if (!(await verifyPassword(password, row.passwordHash))) {
    // BAD_REQUEST, not UNAUTHORIZED: the session is fine, the field is wrong.
    throw new DomainError("BAD_REQUEST", "currentPassword: this is not your current password");
  }
}
