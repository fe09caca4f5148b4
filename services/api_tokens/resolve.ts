import { and, eq, gt, isNotNull, isNull, or } from "drizzle-orm";
import { accountMembers, apiTokens, users } from "../../db/postgres/schema.ts";
import type { Services } from "../context.ts";
import { accountInUse, memberOf, type SessionUser, sha256 } from "../users/sessions.ts";
import { TOKEN_PREFIX } from "./tokens.ts";

// Writing last_used_at on every call would make every read a write.
const TOUCH_EVERY_MS = 60_000;

/** Who a token acts as, and whether it may only read; null for no such token. */
export async function resolveApiToken(
  services: Services,
  token: string,
): Promise<{ user: SessionUser; readOnly: boolean } | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 100) return null;
  const tokenHash = await sha256(token);
  const [row] = await services.db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      accountId: accountInUse,
      role: accountMembers.role,
      lastUsedAt: apiTokens.lastUsedAt,
      readOnly: apiTokens.readOnly,
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .leftJoin(accountMembers, memberOf(apiTokens.accountId, apiTokens.userId))
    // A team's token works while its user is a member (leaving deletes it, too), and any
    // token until it expires.
    .where(and(
      eq(apiTokens.tokenHash, tokenHash),
      or(isNull(apiTokens.accountId), isNotNull(accountMembers.userId)),
      or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, new Date())),
    ));
  if (!row) return null;
  const now = new Date();
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
    await services.db.update(apiTokens).set({ lastUsedAt: now })
      .where(eq(apiTokens.tokenHash, tokenHash));
  }
  return {
    // A viewer's token reads, whatever it was made as: `viewer` says so (web/trpc/init.ts).
    user: {
      id: row.id,
      email: row.email,
      name: row.name,
      accountId: row.accountId,
      viewer: row.role === "viewer",
    },
    readOnly: row.readOnly,
  };
}
