/**
 * The step between a right password and a session for users with two-factor on: a
 * challenge (a random token in a cookie, only its SHA-256 kept) that lives 10 minutes and
 * takes 5 wrong codes, then ends. A right code ends it and starts the session. Wrong codes
 * also count as failed logins (login_limits.ts), so codes cannot be guessed across
 * challenges.
 */
import type { Services } from "../context.ts";
import { DomainError } from "../errors.ts";
import { recordLoginFailure, recordLoginSuccess } from "./login_limits.ts";
import { createSession, randomToken, type SessionUser, sha256 } from "./sessions.ts";
import { codeInput, verifySecondFactor } from "./two_factor.ts";

export const CHALLENGE_MINUTES = 10;
const MAX_WRONG_CODES = 5;

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
      and c.attempts < ${MAX_WRONG_CODES}`;
  return row ? { id: row.id, email: row.email } : null;
}

const challengeGone = () =>
  new DomainError("UNAUTHORIZED", "This sign-in took too long or had too many wrong codes");

/** Checks the code; on success ends the challenge and returns a new session. */
export async function completeChallenge(
  services: Services,
  token: string | undefined,
  input: { code?: unknown },
  clientIp: string,
): Promise<{ user: SessionUser; token: string }> {
  const { code } = codeInput.parse(input);
  const user = await challengeUser(services, token);
  if (!user) throw challengeGone();
  const tokenHash = await sha256(token!);
  if (!(await verifySecondFactor(services.sql, user.id, code))) {
    await services.sql`
      update login_challenges set attempts = attempts + 1 where token_hash = ${tokenHash}`;
    await recordLoginFailure(services, user.email, clientIp);
    throw new DomainError(
      "BAD_REQUEST",
      "code: that code is not right; enter the newest code from your app, or a recovery code",
    );
  }
  const [ended] = await services.sql`
    delete from login_challenges where token_hash = ${tokenHash} returning user_id`;
  if (!ended) throw challengeGone();
  await recordLoginSuccess(services, user.email, clientIp).catch(() => {});
  const [row] = await services.sql`select name from users where id = ${user.id}`;
  return {
    user: { id: user.id, email: user.email, name: row?.name ?? null, accountId: user.id },
    token: await createSession(services, user.id),
  };
}
