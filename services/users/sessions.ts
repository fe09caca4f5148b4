/**
 * Sessions: a 256-bit random token in the cookie, only its SHA-256 in Postgres. A
 * session ends after a week unused (idle) or 30 days after login (absolute), or at logout.
 */
import { and, eq, gt, inArray, lt, or, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { accountMembers, sessions, users } from "../../db/postgres/schema.ts";
import type { Services } from "../context.ts";

export const SESSION_COOKIE = "uptime_session";
export const IDLE_TIMEOUT_MS = 7 * 24 * 3_600_000;
export const ABSOLUTE_TIMEOUT_MS = 30 * 24 * 3_600_000;
// Writing last_seen_at on every request would make every read a write.
const TOUCH_EVERY_MS = 60_000;

export interface SessionUser {
  id: string;
  email: string;
  name: string | null;
  /** The team the user works in: their own account's id, or one they are a member of. */
  accountId: string;
  /**
   * Whether they may only look in that team (a member with the viewer role): they change
   * nothing of it, only what is theirs (their sign-in, their tokens, leaving it).
   */
  viewer?: boolean;
  /**
   * From a session: whether the user is in a team besides their own, so that pages read
   * the teams (for the header's switcher) only for those who are.
   */
  inTeams?: boolean;
}

/**
 * The team a session or token works in: the one it names while the user is still a member
 * of it, the user's own otherwise. Needs `accountMembers` joined by {@link memberOf}.
 */
export const accountInUse = sql<string>`coalesce(${accountMembers.accountId}, ${users.id})`;

/** Joins the membership of `userId` in the team `accountId`, where there is one. */
export const memberOf = (accountId: AnyPgColumn, userId: AnyPgColumn) =>
  and(eq(accountMembers.accountId, accountId), eq(accountMembers.userId, userId));

export async function sha256(token: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** 256 random bits, base64url: a session's or an API token's secret part. */
export function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_")
    .replace(/=+$/, "");
}

/** Starts a session; returns the token for the cookie (never stored). */
export async function createSession(services: Services, userId: string): Promise<string> {
  const token = randomToken();
  await services.db.insert(sessions).values({
    tokenHash: await sha256(token),
    userId,
    expiresAt: new Date(Date.now() + ABSOLUTE_TIMEOUT_MS),
  });
  return token;
}

/** A session for someone who just proved who they are; it starts in their own team. */
export async function signIn(
  services: Services,
  user: { id: string; email: string; name: string | null },
): Promise<{ user: SessionUser; token: string }> {
  return {
    user: { id: user.id, email: user.email, name: user.name, accountId: user.id },
    token: await createSession(services, user.id),
  };
}

/** The user of a live session, or null; keeps the session alive while it is used. */
export async function resolveSession(
  services: Services,
  token: string | undefined,
): Promise<SessionUser | null> {
  if (!token || token.length > 100) return null;
  const tokenHash = await sha256(token);
  const now = new Date();
  const [row] = await services.db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      accountId: accountInUse,
      role: accountMembers.role,
      inTeams: sql<boolean>`exists (
        select 1 from account_members m where m.user_id = ${sessions.userId})`,
      lastSeenAt: sessions.lastSeenAt,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .leftJoin(accountMembers, memberOf(sessions.accountId, sessions.userId))
    .where(and(
      eq(sessions.tokenHash, tokenHash),
      gt(sessions.expiresAt, now),
      gt(sessions.lastSeenAt, new Date(now.getTime() - IDLE_TIMEOUT_MS)),
    ));
  if (!row) return null;
  if (now.getTime() - row.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await services.db.update(sessions).set({ lastSeenAt: now })
      .where(eq(sessions.tokenHash, tokenHash));
  }
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    accountId: row.accountId,
    viewer: row.role === "viewer",
    inTeams: row.inTeams,
  };
}

/**
 * Which of these token hashes belong to live sessions, without touching them: checks that
 * are not requests (an open WebSocket) must not keep an idle session alive.
 */
export async function validSessionHashes(
  services: Services,
  tokenHashes: string[],
): Promise<string[]> {
  if (!tokenHashes.length) return [];
  const now = new Date();
  const rows = await services.db.select({ tokenHash: sessions.tokenHash }).from(sessions)
    .where(and(
      inArray(sessions.tokenHash, tokenHashes),
      gt(sessions.expiresAt, now),
      gt(sessions.lastSeenAt, new Date(now.getTime() - IDLE_TIMEOUT_MS)),
    ));
  return rows.map((row) => row.tokenHash);
}

export async function deleteSession(services: Services, token: string | undefined) {
  if (!token) return;
  await services.db.delete(sessions).where(eq(sessions.tokenHash, await sha256(token)));
}

/**
 * Removes expired sessions, password reset links, team invitations and login challenges;
 * run now and then, not on the request path.
 */
export async function deleteExpiredSessions(services: Services): Promise<void> {
  await services.sql`delete from password_resets where expires_at < now()`;
  await services.sql`delete from account_invitations where expires_at < now()`;
  await services.sql`delete from login_challenges where expires_at < now()`;
  const now = new Date();
  await services.db.delete(sessions).where(or(
    lt(sessions.expiresAt, now),
    lt(sessions.lastSeenAt, new Date(now.getTime() - IDLE_TIMEOUT_MS)),
  ));
}
