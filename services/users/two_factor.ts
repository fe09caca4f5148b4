/**
 * Two-factor authentication with an authenticator app (TOTP, RFC 6238: 6 digits, 30 s;
 * npm `otpauth`). Setting it up shows a secret (as a QR code, npm `qrcode`) and asks for
 * its first code; then 10 recovery codes are shown once, each good for one sign-in without
 * the app. With it on, a right password is not enough: a login asks for a code next (a
 * challenge of 10 minutes and 5 tries, services/users/login_challenge.ts), and the password
 * reset form asks for one with the new password.
 * A code is accepted once (the time step is remembered), one step early or late allowed.
 * Both libraries load at their first use: most web processes never need them (about 9 MB
 * of a web process's memory). The key is sealed under `SECRETS_KEY` in Postgres when one
 * is set (lib/secret_box.ts).
 */
import type * as OTPAuth from "otpauth";
import { z } from "zod";
import type postgres from "postgres";
import type { Actor, Services } from "../context.ts";
import { DomainError } from "../errors.ts";
import { checkCurrentPassword } from "./current_password.ts";
import { sha256 } from "./sessions.ts";
import { open, seal, SealedSecretError, type SecretKey } from "../../lib/secret_box.ts";
import { log } from "../../lib/logger.ts";

const ISSUER = "Uptime";
const PERIOD_SECONDS = 30;
export const RECOVERY_CODES = 10;

/** A setup not confirmed within this long gets a new key at its next look. */
const SETUP_MINUTES = 60;

export const codeInput = z.object({
  code: z.string().trim().min(1, "code: enter the code from your authenticator app")
    .max(40, "code: not a code from your authenticator app or a recovery code"),
});
export const passwordInput = z.object({
  currentPassword: z.string().min(1, "currentPassword: enter your current password").max(256),
});

type Sql = postgres.Sql | postgres.TransactionSql;

const otpauth = () => import("otpauth");

async function totp(secret: string, email: string): Promise<OTPAuth.TOTP> {
  const { TOTP, Secret } = await otpauth();
  return new TOTP({
    issuer: ISSUER,
    label: email,
    algorithm: "SHA1",
    digits: 6,
    period: PERIOD_SECONDS,
    secret: Secret.fromBase32(secret),
  });
}

/**
 * The time step of a right code for the stored (perhaps sealed) `secret` (±1 step), or
 * null. A key no listed `SECRETS_KEY` opens accepts no code (recovery codes still work).
 */
async function matchingStep(
  keys: readonly SecretKey[],
  stored: string,
  email: string,
  code: string,
): Promise<number | null> {
  const token = code.replace(/\s+/g, "");
  if (!/^\d{6}$/.test(token)) return null;
  let secret: string;
  try {
    secret = open(keys, stored);
  } catch (error) {
    if (!(error instanceof SealedSecretError)) throw error;
    log.error("two_factor.key_unreadable", { error });
    return null;
  }
  // One reading of the clock for both: at a step's edge two could disagree.
  const timestamp = Date.now();
  const delta = (await totp(secret, email)).validate({ token, timestamp, window: 1 });
  return delta === null ? null : Math.floor(timestamp / 1000 / PERIOD_SECONDS) + delta;
}

export interface TwoFactorStatus {
  enabled: boolean;
  /** Recovery codes not used yet. */
  recoveryCodesLeft: number;
}

export async function twoFactorStatus(sql: Sql, userId: string): Promise<TwoFactorStatus> {
  const [row] = await sql`
    select t.enabled_at is not null as enabled,
      (select count(*)::int from recovery_codes r where r.user_id = t.user_id) as left
    from two_factor t where t.user_id = ${userId}`;
  return { enabled: row?.enabled ?? false, recoveryCodesLeft: row?.left ?? 0 };
}

export interface Setup {
  /** Base32, in groups of four, for typing into an app. */
  secret: string;
  /** The otpauth:// address the QR code holds. */
  uri: string;
  /** The QR code, as SVG markup made here (no user text in it). */
  qrSvg: string;
}

/**
 * The setup waiting for its first code: the same secret for an hour, so that a reload does
 * not change what the app scanned, then a new one. Ended by a password change, a reset and
 * "Sign out everywhere", so a key someone else saw in a taken session is not the one
 * confirmed later. Refused once two-factor is on.
 */
export async function startSetup(services: Services, actor: Actor): Promise<Setup> {
  const { sql } = services;
  const [user] = await sql`select email from users where id = ${actor.userId}`;
  const fresh = new (await otpauth()).Secret({ size: 20 }).base32;
  const stale = sql`two_factor.enabled_at is null
    and two_factor.created_at < now() - ${SETUP_MINUTES} * interval '1 minute'`;
  const [row] = await sql`
    insert into two_factor (user_id, secret)
    values (${actor.userId}, ${seal(services.config.secretKeys, fresh)})
    on conflict (user_id) do update
    set secret = case when ${stale} then excluded.secret else two_factor.secret end,
        created_at = case when ${stale} then now() else two_factor.created_at end
    returning secret, enabled_at`;
  if (row.enabled_at) {
    throw new DomainError("BAD_REQUEST", "Two-factor authentication is on already");
  }
  const secret = open(services.config.secretKeys, row.secret);
  const uri = (await totp(secret, user.email)).toString();
  // @ts-types="@types/qrcode"
  const { default: QRCode } = await import("qrcode");
  return {
    secret: secret.match(/.{1,4}/g)!.join(" "),
    uri,
    qrSvg: await QRCode.toString(uri, { type: "svg", margin: 1, errorCorrectionLevel: "M" }),
  };
}

function newRecoveryCode(): string {
  // 50 random bits as 10 characters of an alphabet without look-alikes, read as xxxxx-xxxxx.
  const alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
  const bytes = crypto.getRandomValues(new Uint8Array(10));
  const chars = Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

const normalRecovery = (code: string) => code.trim().toLowerCase().replace(/[\s-]+/g, "");

async function replaceRecoveryCodes(sql: Sql, userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
  await sql`delete from recovery_codes where user_id = ${userId}`;
  const rows = await Promise.all(codes.map(async (code) => ({
    user_id: userId,
    code_hash: await sha256(normalRecovery(code)),
  })));
  await sql`insert into recovery_codes ${sql(rows, "user_id", "code_hash")}`;
  return codes;
}

/**
 * Turns two-factor on with the setup's first code and the password (a taken session alone
 * must not lock its owner out); returns the recovery codes, shown once.
 */
export async function confirmSetup(
  services: Services,
  actor: Actor,
  input: { code?: unknown; currentPassword?: unknown },
): Promise<string[]> {
  const { code, currentPassword } = codeInput.extend(passwordInput.shape).parse(input);
  await checkCurrentPassword(services, actor.userId, currentPassword);
  return await services.sql.begin(async (tx) => {
    const [row] = await tx`
      select t.secret, t.enabled_at, u.email from two_factor t join users u on u.id = t.user_id
      where t.user_id = ${actor.userId} for update of t`;
    if (!row) throw new DomainError("BAD_REQUEST", "code: start the setup again");
    if (row.enabled_at) {
      throw new DomainError("BAD_REQUEST", "code: two-factor authentication is on already");
    }
    const step = await matchingStep(services.config.secretKeys, row.secret, row.email, code);
    if (step === null) {
      throw new DomainError(
        "BAD_REQUEST",
        "code: that is not the app's current code; check the time on your phone and try the newest code",
      );
    }
    await tx`
      update two_factor set enabled_at = now(), last_step = ${step}
      where user_id = ${actor.userId}`;
    return await replaceRecoveryCodes(tx, actor.userId);
  });
}

/** Turns two-factor off; asks for the password, as changing it does. */
export async function disableTwoFactor(
  services: Services,
  actor: Actor,
  input: { currentPassword?: unknown },
): Promise<void> {
  const { currentPassword } = passwordInput.parse(input);
  await checkCurrentPassword(services, actor.userId, currentPassword);
  await services.sql.begin(async (tx) => {
    await tx`delete from two_factor where user_id = ${actor.userId}`;
    await tx`delete from recovery_codes where user_id = ${actor.userId}`;
    await tx`delete from login_challenges where user_id = ${actor.userId}`;
  });
}

/**
 * Turns two-factor off for the account with this address, for its owner who lost both the
 * phone and the recovery codes (`deno task user:disable-two-factor`); false: no such
 * account, or it was off.
 */
export async function operatorDisableTwoFactor(sql: postgres.Sql, email: string) {
  return await sql.begin(async (tx) => {
    const [row] = await tx`
      delete from two_factor t using users u
      where u.id = t.user_id and u.email = ${email.trim().toLowerCase()}
        and t.enabled_at is not null
      returning t.user_id`;
    if (!row) return false;
    await tx`delete from recovery_codes where user_id = ${row.user_id}`;
    await tx`delete from login_challenges where user_id = ${row.user_id}`;
    return true;
  });
}

/**
 * Ends what a password change, a reset or "Sign out everywhere" must end: logins waiting
 * for their code, and a setup not confirmed yet.
 */
export async function endPendingSecondFactor(sql: Sql, userId: string): Promise<void> {
  await sql`delete from login_challenges where user_id = ${userId}`;
  await sql`delete from two_factor where user_id = ${userId} and enabled_at is null`;
}

/** New recovery codes (the old ones stop working); asks for the password. */
export async function renewRecoveryCodes(
  services: Services,
  actor: Actor,
  input: { currentPassword?: unknown },
): Promise<string[]> {
  const { currentPassword } = passwordInput.parse(input);
  await checkCurrentPassword(services, actor.userId, currentPassword);
  const status = await twoFactorStatus(services.sql, actor.userId);
  if (!status.enabled) throw new DomainError("BAD_REQUEST", "Two-factor authentication is off");
  return await services.sql.begin((tx) => replaceRecoveryCodes(tx, actor.userId));
}

/** Whether the user must give a second factor to sign in. */
export async function needsSecondFactor(sql: Sql, userId: string): Promise<boolean> {
  const [row] = await sql`
    select 1 from two_factor where user_id = ${userId} and enabled_at is not null`;
  return !!row;
}

/**
 * Checks a code from the app (each time step accepted once) or a recovery code (used up);
 * true when it is right.
 */
export async function verifySecondFactor(
  sql: Sql,
  keys: readonly SecretKey[],
  userId: string,
  code: string,
): Promise<boolean> {
  const [row] = await sql`
    select t.secret, t.last_step, u.email from two_factor t join users u on u.id = t.user_id
    where t.user_id = ${userId} and t.enabled_at is not null`;
  if (!row) return false;
  const step = await matchingStep(keys, row.secret, row.email, code);
  if (step !== null) {
    // Compared and set in one statement: two logins with one code cannot both pass.
    const [taken] = await sql`
      update two_factor set last_step = ${step}
      where user_id = ${userId} and last_step < ${step}
      returning 1`;
    return !!taken;
  }
  const recovery = normalRecovery(code);
  if (!/^[a-z0-9]{10}$/.test(recovery)) return false;
  const [used] = await sql`
    delete from recovery_codes where user_id = ${userId} and code_hash = ${await sha256(recovery)}
    returning 1`;
  return !!used;
}
