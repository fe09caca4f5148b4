/**
 * Teams. Every account is a team: its owner's user id is the `owner_id` of its monitors,
 * status pages, alert channels and maintenance windows. The owner invites people by
 * email; whoever opens the invitation's link (once, within 7 days) and signs in or signs up
 * becomes a member, and works on everything of the team as the owner does, except managing
 * the team; or, invited as a viewer, sees it and changes nothing (the owner can change a
 * member's role at any time). A person belongs to their own team and to any they joined,
 * and works in one at a time: a session remembers which (`sessions.account_id`), an API
 * token is made in one.
 * A member who leaves or is removed falls back to their own team at their next request;
 * their tokens made in the team end, and their live sockets stop at the next re-check.
 */
import { z } from "zod";
import type postgres from "postgres";
import type { Actor } from "../context.ts";
import { DomainError } from "../errors.ts";
import { emailSchema } from "../users/accounts.ts";

/** People in a team besides its owner, and invitations waiting, together. */
export const MAX_MEMBERS = 50;
export const INVITATION_DAYS = 7;

export const MEMBER_ROLES = ["member", "viewer"] as const;
const role = z.enum(MEMBER_ROLES, { error: 'role: expected "member" or "viewer"' });

export const inviteInput = z.object({ email: emailSchema, role: role.default("member") });
export const memberInput = z.object({ userId: z.uuid({ error: "userId: not a member's id" }) });
export const setRoleInput = z.strictObject({ userId: memberInput.shape.userId, role });

type Sql = postgres.Sql | postgres.TransactionSql;

export interface TeamRef {
  /** The owner's user id. */
  accountId: string;
  /** The owner's name, or their email when they have none. */
  ownerName: string;
}

/** What a team is called: after its owner. */
export function teamName(ownerName: string): string {
  return `${ownerName}'s team`;
}

/** The owner's name, or email, as SQL over a `users` row `u`. */
export const ownerNameSql = (sql: Sql) => sql`coalesce(nullif(u.name, ''), u.email)`;

/** Why a viewer of a team may not change something of it. */
export const VIEWER_REFUSAL =
  "You can view this team but not change it; its owner can give you member access";

/** Refuses a viewer of the team: for what they may not even read (subscribers' addresses). */
export function refuseViewer(actor: Actor): void {
  if (actor.viewer) throw new DomainError("FORBIDDEN", VIEWER_REFUSAL);
}

/** Refuses unless the actor is the team's owner. */
export function mustOwn(actor: Actor, what: string): void {
  if (actor.userId !== actor.accountId) {
    throw new DomainError("FORBIDDEN", `Only the team's owner can ${what}`);
  }
}

/** The teams a user works in: their own first, then those they joined, by name. */
export async function teamsOf(sql: Sql, userId: string): Promise<TeamRef[]> {
  const rows = await sql`
    select u.id, ${ownerNameSql(sql)} as name, u.id = ${userId} as own from users u
    where u.id = ${userId}
      or u.id in (select account_id from account_members where user_id = ${userId})
    order by own desc, lower(${ownerNameSql(sql)})`;
  return rows.map((row) => ({ accountId: row.id, ownerName: row.name }));
}
