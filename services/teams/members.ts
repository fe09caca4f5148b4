/** Who is in a team, who is invited, and removing people from it. */
import type postgres from "postgres";
import type { Actor, Services } from "../context.ts";
import type { MemberRole } from "../../db/postgres/schema.ts";
import { DomainError } from "../errors.ts";
import { mustOwn, ownerNameSql, setRoleInput } from "./teams.ts";

export interface TeamPerson {
  userId: string;
  name: string | null;
  email: string;
  /** Epoch ms: when they joined (for the owner, when the account was made). */
  since: number;
  /** What they may do; the owner's is "owner". */
  role: MemberRole | "owner";
}

export interface TeamView {
  accountId: string;
  ownerName: string;
  owner: TeamPerson;
  /** Newest first. */
  members: TeamPerson[];
  /** Waiting invitations, newest first; only the owner sees them. */
  invitations: { email: string; role: MemberRole; createdAt: number; expiresAt: number }[];
  /** Whether the actor owns the team. */
  youOwn: boolean;
}

export async function teamView(services: Services, actor: Actor): Promise<TeamView> {
  const sql = services.readSql;
  const youOwn = actor.userId === actor.accountId;
  const [[owner], members, invitations] = await Promise.all([
    sql`
      select u.id, u.name, u.email, u.created_at, ${ownerNameSql(sql)} as owner_name
      from users u where u.id = ${actor.accountId}`,
    sql`
      select u.id, u.name, u.email, m.role, m.created_at from account_members m
      join users u on u.id = m.user_id
      where m.account_id = ${actor.accountId}
      order by m.created_at desc, u.email`,
    youOwn
      ? sql`
        select email, role, created_at, expires_at from account_invitations
        where account_id = ${actor.accountId} and expires_at > now()
        order by created_at desc`
      : [],
  ]);
  if (!owner) throw new DomainError("UNAUTHORIZED", "Sign in first");
  const person = (row: postgres.Row): TeamPerson => ({
    userId: row.id,
    name: row.name,
    email: row.email,
    since: new Date(row.created_at).getTime(),
    role: row.role ?? "owner",
  });
  return {
    accountId: actor.accountId,
    ownerName: owner.owner_name,
    owner: person(owner),
    members: members.map(person),
    invitations: invitations.map((row) => ({
      email: row.email,
      role: row.role,
      createdAt: new Date(row.created_at).getTime(),
      expiresAt: new Date(row.expires_at).getTime(),
    })),
    youOwn,
  };
}

/**
 * Takes `userId` out of the actor's team: the owner removes anyone else, a member removes
 * themselves (leaves). Their API tokens made in the team end; their sessions working in it
 * fall back to their own team. Returns false when they were not in it.
 */
export async function removeMember(
  services: Services,
  actor: Actor,
  userId: string,
): Promise<boolean> {
  if (userId !== actor.userId) mustOwn(actor, "remove people");
  if (userId === actor.accountId) {
    throw new DomainError("BAD_REQUEST", "The owner cannot leave their own team");
  }
  return await services.sql.begin(async (tx) => {
    const gone = await tx`
      delete from account_members where account_id = ${actor.accountId} and user_id = ${userId}
      returning user_id`;
    await tx`
      delete from api_tokens where account_id = ${actor.accountId} and user_id = ${userId}`;
    await tx`
      update sessions set account_id = null
      where account_id = ${actor.accountId} and user_id = ${userId}`;
    return gone.length > 0;
  });
}

/**
 * The owner makes a member a viewer, or a viewer a member again; it holds from their next
 * request. A viewer's API tokens read only from then on. Returns false when they are not
 * in the team.
 */
export async function setMemberRole(
  services: Services,
  actor: Actor,
  input: { userId?: unknown; role?: unknown },
): Promise<boolean> {
  mustOwn(actor, "change what people may do");
  const { userId, role } = setRoleInput.parse(input);
  const changed = await services.sql`
    update account_members set role = ${role}
    where account_id = ${actor.accountId} and user_id = ${userId}
    returning user_id`;
  return changed.length > 0;
}
