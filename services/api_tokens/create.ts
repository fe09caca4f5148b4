import { and, eq, gt, isNull, or } from "drizzle-orm";
import type { z } from "zod";
import { apiTokens, users } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import { DomainError } from "../errors.ts";
import { randomToken, sha256 } from "../users/sessions.ts";
import {
  actorsTokens,
  type ApiTokenView,
  type createApiTokenInput,
  MAX_TOKENS,
  TOKEN_PREFIX,
  tokenAccount,
  toView,
} from "./tokens.ts";

/** Makes a token; the result is the only place the token itself ever appears. */
export async function createApiToken(
  services: Services,
  actor: Actor,
  input: z.infer<typeof createApiTokenInput>,
): Promise<ApiTokenView & { token: string }> {
  const token = `${TOKEN_PREFIX}${randomToken()}`;
  const tokenHash = await sha256(token);
  const row = await services.db.transaction(async (tx) => {
    // The account's row locked: two tokens made at once cannot both be the 50th.
    await tx.select({ id: users.id }).from(users).where(eq(users.id, actor.userId)).for("update");
    // Expired tokens, listed until revoked, hold no place.
    const held = await tx.$count(
      apiTokens,
      and(
        actorsTokens(actor),
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, new Date())),
      ),
    );
    if (held >= MAX_TOKENS) {
      throw new DomainError(
        "BAD_REQUEST",
        `name: an account holds at most ${MAX_TOKENS} tokens; revoke one first`,
      );
    }
    const [row] = await tx.insert(apiTokens).values({
      userId: actor.userId,
      accountId: tokenAccount(actor),
      name: input.name,
      tokenHash,
      prefix: token.slice(0, TOKEN_PREFIX.length + 4),
      expiresAt: input.expiresInDays
        ? new Date(Date.now() + input.expiresInDays * 86_400_000)
        : null,
      // A viewer's tokens read only, and keep to that if they become a member.
      readOnly: input.readOnly || actor.viewer === true,
    }).returning();
    return row;
  });
  return { ...toView(row), token };
}
