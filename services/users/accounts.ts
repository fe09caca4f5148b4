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
import { deleteSession, type SessionUser, signIn } from "./sessions.ts";
import { needsSecondFactor } from "./two_factor.ts";
import { checkSecondFactor, startChallenge } from "./login_challenge.ts";

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
  /** With two-factor on: the app's code, or a recovery code (the API's one-step login). */
  code: z.string().max(40).optional(),
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
  return await signIn(services, await createUser(services, input));
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

/** The account, when its password is right; a wrong one counts as a failed login. */
async function checkCredentials(
  services: Services,
  input: z.infer<typeof loginInput>,
  ip: string,
) {
  await checkLoginAllowed(services, input.email, ip);
  const [row] = await services.db.select().from(users).where(eq(users.email, input.email));
  // Without an account, still spend the time of a check: timing must not reveal accounts.
  const valid = await verifyPassword(input.password, row?.passwordHash ?? await dummyHash());
  if (!row || !valid) {
    await recordLoginFailure(services, input.email, ip);
    throw new DomainError("UNAUTHORIZED", "Wrong email or password");
  }
  return row;
}

/**
 * The first step of a login: a right password starts a session, or, with two-factor on,
 * a challenge that asks for the code next (login_challenge.ts). Success is recorded only
 * with the session, so wrong codes keep counting against the limits.
 */
export async function loginStep(
  services: Services,
  input: z.infer<typeof loginInput>,
  ip: string,
): Promise<{ user: SessionUser; token: string } | { challenge: string }> {
  const row = await checkCredentials(services, input, ip);
  if (await needsSecondFactor(services.sql, row.id)) {
    return { challenge: await startChallenge(services, row.id) };
  }
  await recordLoginSuccess(services, input.email, ip);
  return await signIn(services, row);
}

/**
 * A login in one call (the API's): with two-factor on, `code` must come with the password.
 */
export async function login(
  services: Services,
  input: z.infer<typeof loginInput>,
  ip: string,
): Promise<{ user: SessionUser; token: string }> {
  const row = await checkCredentials(services, input, ip);
  if (!(await needsSecondFactor(services.sql, row.id))) {
    await recordLoginSuccess(services, input.email, ip);
  } else if (input.code === undefined) {
    throw new DomainError(
      "BAD_REQUEST",
      "code: this account uses two-factor authentication; send the code from its authenticator app, or a recovery code",
    );
  } else {
    await checkSecondFactor(services, row, input.code, ip);
  }
  return await signIn(services, row);
}

export async function logout(services: Services, token: string | undefined): Promise<void> {
  await deleteSession(services, token);
}
