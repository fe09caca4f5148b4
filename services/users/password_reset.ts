/**
 * A forgotten password. The account's address is mailed a link (`/reset-password?token=…`)
 * with which whoever opens it within an hour chooses a new password, once. Asking answers
 * the same whether or not an account has the address, so the form tells nobody who has
 * one, and mails an account at most one link a minute. Choosing the new password ends
 * every session, API token and other link of the account, and signs in the browser that
 * chose it; with two-factor on, the form asks for a code as well. Where SMTP_URL is not set the instance's operator makes the link instead
 * (`deno task user:reset-password`). Only a link's SHA-256 is kept, as for sessions.
 */
import { z } from "zod";
import type postgres from "postgres";
import type { Config } from "../../lib/config.ts";
import type { Services } from "../context.ts";
import { DomainError } from "../errors.ts";
import { emailSchema, passwordSchema } from "./accounts.ts";
import { queueAccountMail } from "./account_mails.ts";
import { hashPassword } from "./password.ts";
import { recordLoginSuccess } from "./login_limits.ts";
import { enforceRateLimits } from "./rate_limit.ts";
import { randomToken, type SessionUser, sha256, signIn } from "./sessions.ts";
import { endPendingSecondFactor } from "./two_factor.ts";
import { checkSecondFactor } from "./login_challenge.ts";

export const RESET_LINK_MINUTES = 60;
const RESEND_AFTER_SECONDS = 60;
/** Asks from one address an hour: each may mail someone else's inbox. */
const RESET_ASKS_PER_ADDRESS = 10;

export const forgotPasswordInput = z.object({ email: emailSchema });
export const resetPasswordInput = z.object({
  token: z.string().min(1, "token: open the link from the mail").max(100),
  password: passwordSchema,
  /** With two-factor on: the app's code, or a recovery code. */
  code: z.string().trim().max(40, "code: not a code from your app or a recovery code")
    .optional(),
});

type Sql = postgres.Sql | postgres.TransactionSql;

/** Whether this instance can mail a link (it sends mail at all). */
export function resetsByMail(config: Config): boolean {
  return config.notifications.smtpUrl !== null;
}

export function resetUrl(appUrl: string, token: string): string {
  return `${appUrl.replace(/\/+$/, "")}/reset-password?token=${token}`;
}

async function newLink(sql: Sql, config: Config, userId: string): Promise<string> {
  const token = randomToken();
  await sql`
    insert into password_resets (token_hash, user_id, expires_at)
    values (${await sha256(token)}, ${userId},
            now() + ${RESET_LINK_MINUTES} * interval '1 minute')`;
  return resetUrl(config.appUrl, token);
}

function resetMail(appUrl: string, email: string, link: string) {
  return {
    subject: "Reset your Uptime password",
    body: `Someone, probably you, asked to reset the password of the Uptime account ${email} ` +
      `at ${new URL(appUrl).host}.\n\n` +
      `Choose a new password: ${link}\n\n` +
      `The link works once, for ${RESET_LINK_MINUTES} minutes. If it was not you, ignore ` +
      `this mail: your password stays as it is.\n`,
  };
}

/**
 * Mails the account with this address a link, unless one went in the last minute. Says
 * nothing of whether the account exists.
 */
export async function requestPasswordReset(
  services: Services,
  input: { email?: unknown },
  clientIp: string,
): Promise<{ email: string }> {
  if (!resetsByMail(services.config)) {
    throw new DomainError(
      "SERVICE_UNAVAILABLE",
      "This instance does not send email; ask its administrator to reset your password",
    );
  }
  const { email } = forgotPasswordInput.parse(input);
  await enforceRateLimits(services, [
    {
      scope: "password-reset-ip",
      key: clientIp,
      max: RESET_ASKS_PER_ADDRESS,
      windowSeconds: 3_600,
    },
  ]);
  await services.sql.begin(async (tx) => {
    // Locked, so two asks at once make one link.
    const [user] = await tx`select id from users where email = ${email} for update`;
    if (!user) return;
    const [recent] = await tx`
      select 1 from password_resets where user_id = ${user.id}
        and created_at > now() - ${RESEND_AFTER_SECONDS} * interval '1 second'`;
    if (recent) return;
    const link = await newLink(tx, services.config, user.id);
    await queueAccountMail(tx, user.id, {
      to: email,
      validMinutes: RESET_LINK_MINUTES,
      ...resetMail(services.config.appUrl, email, link),
    });
  });
  return { email };
}

/** A link for the account with this address, for its operator to hand over; null: none. */
export async function operatorResetLink(
  services: Pick<Services, "sql" | "config">,
  email: string,
): Promise<string | null> {
  const [user] = await services.sql`
    select id from users where email = ${forgotPasswordInput.parse({ email }).email}`;
  return user ? await newLink(services.sql, services.config, user.id) : null;
}

export interface ResetAccount {
  id: string;
  email: string;
  /** Two-factor is on: the reset form asks for a code too. */
  twoFactor: boolean;
}

/** The account a link is for, while the link works; null otherwise. */
export async function resetLinkAccount(
  services: Pick<Services, "sql">,
  token: string | null | undefined,
): Promise<ResetAccount | null> {
  if (!token || token.length > 100) return null;
  const [row] = await services.sql`
    select u.id, u.email, exists (
      select 1 from two_factor t where t.user_id = u.id and t.enabled_at is not null
    ) as two_factor
    from password_resets r join users u on u.id = r.user_id
    where r.token_hash = ${await sha256(token)} and r.expires_at > now()`;
  return row ? { id: row.id, email: row.email, twoFactor: row.two_factor } : null;
}

const linkGone = () =>
  new DomainError("BAD_REQUEST", "token: this link has expired or was used; ask for a new one");

/**
 * Sets the password of the link's account, ends its sessions, tokens and links, and starts a
 * session for the browser that chose it. With two-factor on, the code comes with the new
 * password and is checked first: a mailbox alone changes nothing.
 */
export async function resetPassword(
  services: Services,
  input: { token?: unknown; password?: unknown; code?: unknown },
  clientIp: string,
): Promise<{ user: SessionUser; token: string; otherSessionsEnded: number }> {
  const { token, password, code } = resetPasswordInput.parse(input);
  // Hashing costs 128 MiB for a moment: only for a link that works, and not many at once.
  await enforceRateLimits(services, [
    { scope: "password-reset-post", key: clientIp, max: 20, windowSeconds: 3_600 },
  ]);
  const account = await resetLinkAccount(services, token);
  if (!account) throw linkGone();
  if (account.twoFactor) {
    if (!code) {
      throw new DomainError(
        "BAD_REQUEST",
        "code: enter the code from your authenticator app, or a recovery code",
      );
    }
    await checkSecondFactor(services, account, code, clientIp);
  }
  const tokenHash = await sha256(token);
  const passwordHash = await hashPassword(password);
  const { user, ended } = await services.sql.begin(async (tx) => {
    const [reset] = await tx`
      delete from password_resets where token_hash = ${tokenHash} and expires_at > now()
      returning user_id`;
    if (!reset) throw linkGone();
    const [user] = await tx`
      update users set password_hash = ${passwordHash} where id = ${reset.user_id}
      returning id, email, name`;
    await tx`delete from password_resets where user_id = ${reset.user_id}`;
    const ended = await tx`delete from sessions where user_id = ${reset.user_id} returning 1`;
    // Whoever took the account may have made tokens; "Sign out everywhere" ends them too.
    await tx`delete from api_tokens where user_id = ${reset.user_id}`;
    await endPendingSecondFactor(tx, reset.user_id);
    return { user: user as { id: string; email: string; name: string | null }, ended };
  });
  // The password is changed already: a Redis hiccup here must not show as a failure.
  await recordLoginSuccess(services, user.email, clientIp).catch(() => {});
  return { ...await signIn(services, user), otherSessionsEnded: ended.length };
}
