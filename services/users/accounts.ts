/** Sign-up, login and logout. Email is normalised (trimmed, lower-case) and unique. */
import { eq } from "drizzle-orm";
import { z } from "zod";
import { users } from "../../db/postgres/schema.ts";
import type { Services } from "../context.ts";
import { DomainError } from "../errors.ts";
import { dummyHash, hashPassword, verifyPassword } from "./password.ts";
import {
  checkLoginAllowed,
  checkSignupAllowed,
  recordLoginFailure,
  recordLoginSuccess,
} from "./login_limits.ts";
import { createSession, deleteSession, type SessionUser } from "./sessions.ts";

export const emailSchema = z.string().trim().toLowerCase()
  .min(1, "email: enter your email address").max(254)
  .pipe(z.email({ error: "email: not a valid address" }));
export const passwordSchema = z.string()
  .min(8, "password: at least 8 characters")
  .max(256, "password: at most 256 characters");

export const signupInput = z.object({
  email: emailSchema,
  password: passwordSchema,
  name: z.string().trim().min(1).max(100).optional(),
});
export const loginInput = z.object({
  email: emailSchema,
  password: z.string().min(1).max(256),
});

export async function signup(
  services: Services,
  input: z.infer<typeof signupInput>,
  ip: string,
): Promise<{ user: SessionUser; token: string }> {
  if (services.config.signup === "closed") {
    throw new DomainError(
      "FORBIDDEN",
      "Sign-up is closed on this instance; ask its administrator for an account",
    );
  }
  await checkSignupAllowed(services, ip);
  const user = await createUser(services, input);
  return { user, token: await createSession(services, user.id) };
}

/** Creates an account (sign-up, and `deno task user:create` on closed instances). */
export async function createUser(
  services: Pick<Services, "db">,
  input: z.infer<typeof signupInput>,
): Promise<SessionUser> {
  const passwordHash = await hashPassword(input.password);
  const [user] = await services.db.insert(users)
    .values({ email: input.email, name: input.name ?? null, passwordHash })
    .onConflictDoNothing({ target: users.email })
    .returning({ id: users.id, email: users.email, name: users.name });
  if (!user) throw new DomainError("CONFLICT", "email: an account with this email exists");
  return { ...user, accountId: user.id };
}

export async function login(
  services: Services,
  input: z.infer<typeof loginInput>,
  ip: string,
): Promise<{ user: SessionUser; token: string }> {
  await checkLoginAllowed(services, input.email, ip);
  const [row] = await services.db.select().from(users).where(eq(users.email, input.email));
  // Without an account, still spend the time of a check: timing must not reveal accounts.
  const valid = await verifyPassword(input.password, row?.passwordHash ?? await dummyHash());
  if (!row || !valid) {
    await recordLoginFailure(services, input.email, ip);
    throw new DomainError("UNAUTHORIZED", "Wrong email or password");
  }
  await recordLoginSuccess(services, input.email, ip);
  // A new session starts in the user's own team.
  const user = { id: row.id, email: row.email, name: row.name, accountId: row.id };
  return { user, token: await createSession(services, user.id) };
}

export async function logout(services: Services, token: string | undefined): Promise<void> {
  await deleteSession(services, token);
}
