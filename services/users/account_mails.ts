/**
 * Queues a mail about an account (to its holder, or an invitation to its team) in Postgres (`account_mails`, sent by the notification
 * dispatcher's MailQueue; nothing is sent where SMTP_URL is not set) and wakes the senders
 * with a NOTIFY on {@link ACCOUNT_MAIL_CHANNEL}, which Postgres delivers once the
 * transaction commits.
 */
import type postgres from "postgres";

/** The Postgres notification channel the senders listen on. */
export const ACCOUNT_MAIL_CHANNEL = "account_mails";

export async function queueAccountMail(
  sql: postgres.Sql | postgres.TransactionSql,
  /** The account the mail is about. */
  userId: string,
  /** `validMinutes`: how long the link it carries works; it is not tried after. */
  mail: { to: string; subject: string; body: string; validMinutes: number },
): Promise<void> {
  await sql`
    insert into account_mails (user_id, email, subject, body, give_up_at)
    values (${userId}, ${mail.to}, ${mail.subject}, ${mail.body},
            now() + ${mail.validMinutes} * interval '1 minute')`;
  await sql`select pg_notify(${ACCOUNT_MAIL_CHANNEL}, '')`;
}
