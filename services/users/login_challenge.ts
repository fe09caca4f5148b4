/**
 * The step between a right password and a session for users with two-factor on: a
 * challenge (a random token in a cookie, only its SHA-256 kept) that lives 10 minutes and
 * takes 5 codes, then ends. A right code ends it and starts the session. Codes are checked
 * under the login limits, and wrong ones count against the account whatever the address
 * (login_limits.ts), so codes cannot be guessed across challenges either.
 */
import type { Services } from "../context.ts";
import { DomainError } from "../errors.ts";
import {
  checkCodeAllowed,
  checkLoginAllowed,
  recordCodeFailure,
  recordCodeSuccess,
} from "./login_limits.ts";
import { randomToken, type SessionUser, sha256, signIn } from "./sessions.ts";
import { codeInput, verifySecondFactor } from "./two_factor.ts";

export const CHALLENGE_MINUTES = 10;
const CODES_PER_CHALLENGE = 5;

export async function startChallenge(services: Services, userId: string): Promise<string> {
  const token = randomToken();
  await services.sql`
    insert into login_challenges (token_hash, user_id, expires_at)
    values (${await sha256(token)}, ${userId},
            now() + ${CHALLENGE_MINUTES} * interval '1 minute')`;
  return token;
}

/** The user a challenge is for, while it lasts; null otherwise. */
export async function challengeUser(
  services: Pick<Services, "sql">,
  token: string | undefined,
): Promise<{ id: string; email: string } | null> {
  if (!token || token.length > 100) return null;
  const [row] = await services.sql`
    select u.id, u.email from login_challenges c join users u on u.id = c.user_id
    where c.token_hash = ${await sha256(token)} and c.expires_at > now()
      and c.attempts < ${CODES_PER_CHALLENGE}`;
  return row ? { id: row.id, email: row.email } : null;
}

const challengeGone = () =>
  new DomainError("UNAUTHORIZED", "This sign-in took too long or had too many wrong codes");

/**
 * Checks a second factor under the limits: the login's (account and address, address),
 * and wrong codes per account whatever the address. Throws at the `code` field when wrong.
 */
export async function checkSecondFactor(
  services: Services,
  user: { id: string; email: string },
  code: string,
  clientIp: string,
): Promise<void> {
  await checkLoginAllowed(services, user.email, clientIp);
  await checkCodeAllowed(services, user.id);
  if (!(await verifySecondFactor(services.sql, services.config.secretKeys, user.id, code))) {
    await recordCodeFailure(services, user, clientIp);
    throw new DomainError(
      "BAD_REQUEST",
      "code: that code is not right; enter the newest code from your app, or a recovery code",
    );
  }
  // The code is spent already: a Redis hiccup here must not turn it into a failure.
  await recordCodeSuccess(services, user, clientIp).catch(() => {});
}

/** Checks the code; on success ends the challenge and returns a new session. */
export async function completeChallenge(
  services: Services,
  token: string | undefined,
  input: { code?: unknown },
  clientIp: string,
): Promise<{ user: SessionUser; token: string }> {
  const { code } = codeInput.parse(input);
  if (!token || token.length > 100) throw challengeGone();
  const tokenHash = await sha256(token);
  // The attempt is spent before the code is looked at: guesses sent at once count each.
  const [user] = await services.sql`
    update login_challenges c set attempts = c.attempts + 1 from users u
    where c.token_hash = ${tokenHash} and c.expires_at > now()
      and c.attempts < ${CODES_PER_CHALLENGE} and u.id = c.user_id
    returning u.id, u.email, u.name`;
  if (!user) throw challengeGone();
  await checkSecondFactor(services, user as { id: string; email: string }, code, clientIp);
  const [ended] = await services.sql`
    delete from login_challenges where token_hash = ${tokenHash} returning user_id`;
  if (!ended) throw challengeGone();
  return await signIn(services, user as { id: string; email: string; name: string | null });
}
