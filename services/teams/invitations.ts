/**
 * Invitations to a team: the owner names an address; a link (`/invite?token=…`) is mailed
 * to it where this instance sends mail, and shown to the owner once either way, to pass on
 * by other means. Inviting an address again replaces its link. Only the link's SHA-256 is
 * kept.
 */
import type { Actor, Services } from "../context.ts";
import type { MemberRole } from "../../db/postgres/schema.ts";
import { DomainError } from "../errors.ts";
import { queueAccountMail } from "../users/account_mails.ts";
import { randomToken, type SessionUser, sha256 } from "../users/sessions.ts";
import { enforceRateLimits } from "../users/rate_limit.ts";
import {
  INVITATION_DAYS,
  inviteInput,
  MAX_MEMBERS,
  mustOwn,
  ownerNameSql,
  teamName,
} from "./teams.ts";

export function invitationUrl(appUrl: string, token: string): string {
  return `${appUrl.replace(/\/+$/, "")}/invite?token=${token}`;
}

/** Invites `email` to the actor's team; returns the link (shown to the owner once). */
export async function inviteMember(
  services: Services,
  actor: Actor,
  input: { email?: unknown; role?: unknown },
): Promise<{ email: string; role: MemberRole; link: string; mailed: boolean }> {
  mustOwn(actor, "invite people");
  const { email, role } = inviteInput.parse(input);
  // Each invitation may mail someone: a team cannot become a way to flood inboxes.
  await enforceRateLimits(services, [
    { scope: "team-invite", key: actor.accountId, max: 30, windowSeconds: 3_600 },
  ]);
  const token = randomToken();
  const link = invitationUrl(services.config.appUrl, token);
  const mailed = services.config.notifications.smtpUrl !== null;
  await services.sql.begin(async (tx) => {
    // The owner's row locked: two invitations at once cannot both be the 50th.
    const [owner] = await tx`
      select u.email, ${ownerNameSql(tx)} as name from users u
      where u.id = ${actor.accountId} for update`;
    if (owner.email === email) {
      throw new DomainError("BAD_REQUEST", "email: that is you; you own this team");
    }
    const [member] = await tx`
      select 1 from account_members m join users u on u.id = m.user_id
      where m.account_id = ${actor.accountId} and u.email = ${email}`;
    if (member) throw new DomainError("BAD_REQUEST", "email: already a member of this team");
    // Inviting again sends again: not more than once a minute to one address.
    const [recent] = await tx`
      select 1 from account_invitations
      where account_id = ${actor.accountId} and email = ${email}
        and created_at > now() - interval '1 minute'`;
    if (recent) {
      throw new DomainError(
        "BAD_REQUEST",
        "email: invited a moment ago; wait a minute to send again",
      );
    }
    const [{ count }] = await tx`
      select (select count(*) from account_members where account_id = ${actor.accountId}) +
        (select count(*) from account_invitations
         where account_id = ${actor.accountId} and expires_at > now() and email <> ${email})
        as count`;
    if (Number(count) >= MAX_MEMBERS) {
      throw new DomainError(
        "BAD_REQUEST",
        `email: a team has at most ${MAX_MEMBERS} members and invitations; remove one first`,
      );
    }
    await tx`
      insert into account_invitations (token_hash, account_id, email, role, expires_at)
      values (${await sha256(token)}, ${actor.accountId}, ${email}, ${role},
              now() + ${INVITATION_DAYS} * interval '1 day')
      on conflict (account_id, email) do update
      set token_hash = excluded.token_hash, role = excluded.role, created_at = now(),
          expires_at = excluded.expires_at`;
    if (mailed) {
      await queueAccountMail(tx, actor.accountId, {
        to: email,
        validMinutes: INVITATION_DAYS * 24 * 60,
        subject: `${owner.name} invites you to their team on Uptime`.replace(/[\r\n]+/g, " ")
          .slice(0, 250),
        body: `${owner.name} invites you to join ${teamName(owner.name)} on Uptime at ` +
          `${new URL(services.config.appUrl).host}, to ${
            role === "viewer" ? "see" : "see and change"
          } its monitors, status pages and alerts.\n\nJoin the team: ${link}\n\nThe link works once, for ` +
          `${INVITATION_DAYS} days. If you do not know ${owner.name}, ignore this mail.\n`,
      });
    }
  });
  return { email, role, link, mailed };
}

/** Withdraws the invitation of `email`; false when there was none. */
export async function cancelInvitation(
  services: Services,
  actor: Actor,
  email: string,
): Promise<boolean> {
  mustOwn(actor, "cancel invitations");
  const gone = await services.sql`
    delete from account_invitations where account_id = ${actor.accountId} and email = ${email}
    returning email`;
  return gone.length > 0;
}

export interface Invitation {
  accountId: string;
  ownerName: string;
  email: string;
  role: MemberRole;
}

/** The invitation of a link, while it works; null otherwise. */
export async function invitationByToken(
  services: Pick<Services, "sql">,
  token: string | null | undefined,
): Promise<Invitation | null> {
  if (!token || token.length > 100) return null;
  const { sql } = services;
  const [row] = await sql`
    select i.account_id, i.email, i.role, ${ownerNameSql(sql)} as owner_name
    from account_invitations i join users u on u.id = i.account_id
    where i.token_hash = ${await sha256(token)} and i.expires_at > now()`;
  return row
    ? { accountId: row.account_id, ownerName: row.owner_name, email: row.email, role: row.role }
    : null;
}

/**
 * Makes `user` a member of the invitation's team and ends the invitation; the session
 * `sessionToken` then works in the team.
 */
export async function acceptInvitation(
  services: Services,
  user: SessionUser,
  token: string,
  sessionToken: string | undefined,
): Promise<void> {
  const invitation = await invitationByToken(services, token);
  if (!invitation) {
    throw new DomainError("BAD_REQUEST", "token: this invitation has expired or was used");
  }
  if (invitation.accountId === user.id) {
    throw new DomainError("BAD_REQUEST", "token: this is an invitation to your own team");
  }
  await services.sql.begin(async (tx) => {
    const [used] = await tx`
      delete from account_invitations where token_hash = ${await sha256(token)}
        and expires_at > now()
      returning account_id, role`;
    if (!used) {
      throw new DomainError("BAD_REQUEST", "token: this invitation has expired or was used");
    }
    await tx`
      insert into account_members (account_id, user_id, role)
      values (${used.account_id}, ${user.id}, ${used.role})
      on conflict do nothing`;
    if (sessionToken) {
      await tx`
        update sessions set account_id = ${used.account_id}
        where token_hash = ${await sha256(sessionToken)} and user_id = ${user.id}`;
    }
  });
}
