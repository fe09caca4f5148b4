/**
 * Limits on guessing passwords, with rate-limiter-flexible on Redis:
 * - failures for one account from one address: 10 in a row, then that pair waits
 *   15 minutes; a success resets the count. Keyed by account *and* address, so a
 *   stranger failing on purpose locks out only themselves, never the account's owner.
 * - failures from one address, whatever the account: LOGIN_FAILURES_PER_ADDRESS (50)
 *   in 15 minutes, then it waits
 *   15 minutes. Not reset by a success: an attacker with an account of their own could
 *   otherwise reset their budget between guesses.
 * - sign-ups from one address: 10 a minute.
 * - password changes (guesses at the current password) per account: 10 in 15 minutes.
 * - wrong two-factor codes per account, whatever the address: 10 in a row, then the
 *   account's codes wait 15 minutes (only someone with the password gets this far, so
 *   the owner is locked out of nothing a thief has not already got); a right code resets
 *   the count.
 * Emails appear in keys only as SHA-256 digests.
 */
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { Services } from "../context.ts";
import { DomainError } from "../errors.ts";
import { sha256 } from "./sessions.ts";

const WINDOW_SECONDS = 15 * 60;
export const FAILURES_PER_ACCOUNT_AND_ADDRESS = 10;
export const SIGNUPS_PER_ADDRESS_PER_MINUTE = 10;
export const PASSWORD_CHANGES = 10;
export const WRONG_CODES_PER_ACCOUNT = 10;

interface Limiters {
  accountAddress: RateLimiterRedis;
  address: RateLimiterRedis;
  signup: RateLimiterRedis;
  passwordChange: RateLimiterRedis;
  codes: RateLimiterRedis;
}

const byRedis = new WeakMap<object, Limiters>();

function limiters(services: Services): Limiters {
  let found = byRedis.get(services.redis);
  if (found) return found;
  const prefix = services.config.redisKeyPrefix;
  const common = { storeClient: services.redis, duration: WINDOW_SECONDS };
  found = {
    accountAddress: new RateLimiterRedis({
      ...common,
      keyPrefix: `${prefix}login-fail:account-address`,
      points: FAILURES_PER_ACCOUNT_AND_ADDRESS,
      blockDuration: WINDOW_SECONDS,
    }),
    address: new RateLimiterRedis({
      ...common,
      keyPrefix: `${prefix}login-fail:address`,
      points: services.config.loginFailuresPerAddress,
      blockDuration: WINDOW_SECONDS,
    }),
    signup: new RateLimiterRedis({
      storeClient: services.redis,
      keyPrefix: `${prefix}signup:address`,
      points: SIGNUPS_PER_ADDRESS_PER_MINUTE,
      duration: 60,
    }),
    passwordChange: new RateLimiterRedis({
      storeClient: services.redis,
      keyPrefix: `${prefix}password-change:account`,
      points: PASSWORD_CHANGES,
      duration: WINDOW_SECONDS,
    }),
    codes: new RateLimiterRedis({
      ...common,
      keyPrefix: `${prefix}two-factor-fail:account`,
      points: WRONG_CODES_PER_ACCOUNT,
      blockDuration: WINDOW_SECONDS,
    }),
  };
  byRedis.set(services.redis, found);
  return found;
}

async function keys(email: string, ip: string) {
  return { accountAddress: `${await sha256(email)}:${ip}`, address: ip };
}

function tooMany(msBeforeNext: number): DomainError {
  const retryAfterSeconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new DomainError(
    "TOO_MANY_REQUESTS",
    `Too many attempts; try again in ${retryAfterSeconds} s`,
    { retryAfterSeconds },
  );
}

/** Refuses a login attempt (before any hashing) while the pair or the address is blocked. */
export async function checkLoginAllowed(services: Services, email: string, ip: string) {
  const l = limiters(services);
  const k = await keys(email, ip);
  const states = await Promise.all([
    l.accountAddress.get(k.accountAddress),
    l.address.get(k.address),
  ]);
  const limits = [FAILURES_PER_ACCOUNT_AND_ADDRESS, services.config.loginFailuresPerAddress];
  const blocked = states
    .filter((state, i) => state !== null && state.consumedPoints >= limits[i])
    .map((state) => state!.msBeforeNext);
  if (blocked.length) throw tooMany(Math.max(...blocked));
}

/** Counts a failed login against the pair and the address. */
export async function recordLoginFailure(services: Services, email: string, ip: string) {
  const l = limiters(services);
  const k = await keys(email, ip);
  await Promise.all([
    l.accountAddress.consume(k.accountAddress).catch(overLimitIsFine),
    l.address.consume(k.address).catch(overLimitIsFine),
  ]);
}

/** A success ends the run of failures for this account from this address. */
export async function recordLoginSuccess(services: Services, email: string, ip: string) {
  await limiters(services).accountAddress.delete((await keys(email, ip)).accountAddress);
}

/** Refuses while the account's wrong two-factor codes are over the limit. */
export async function checkCodeAllowed(services: Services, userId: string) {
  const state = await limiters(services).codes.get(userId);
  if (state && state.consumedPoints >= WRONG_CODES_PER_ACCOUNT) throw tooMany(state.msBeforeNext);
}

/** A wrong two-factor code: counted against the account, and as a failed login. */
export async function recordCodeFailure(
  services: Services,
  user: { id: string; email: string },
  ip: string,
) {
  await Promise.all([
    limiters(services).codes.consume(user.id).catch(overLimitIsFine),
    recordLoginFailure(services, user.email, ip),
  ]);
}

/** A right code ends the run of wrong ones, and of failed logins from this address. */
export async function recordCodeSuccess(
  services: Services,
  user: { id: string; email: string },
  ip: string,
) {
  await Promise.all([
    limiters(services).codes.delete(user.id),
    recordLoginSuccess(services, user.email, ip),
  ]);
}

export async function checkSignupAllowed(services: Services, ip: string) {
  await consumeOrRefuse(limiters(services).signup, ip);
}

export async function checkPasswordChangeAllowed(services: Services, userId: string) {
  await consumeOrRefuse(limiters(services).passwordChange, userId);
}

async function consumeOrRefuse(limiter: RateLimiterRedis, key: string) {
  try {
    await limiter.consume(key);
  } catch (error) {
    if (error instanceof RateLimiterRes) throw tooMany(error.msBeforeNext);
    throw error;
  }
}

// Over the limit: this attempt already failed; the next one is refused by the check.
function overLimitIsFine(error: unknown): void {
  if (!(error instanceof RateLimiterRes)) throw error;
}
