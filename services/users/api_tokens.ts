/**
 * API tokens: `upt_` and 256 random bits, for scripts that call the API without a browser
 * (`Authorization: Bearer …`). A token acts as its account in every procedure except those
 * about the account's sign-in itself and its tokens, which need a browser session. Only
 * the SHA-256 is stored; the token is shown once, when it is made.
 */
import { and, desc, eq } from "drizzle-orm";
import { z } from "zod";
import { apiTokens, users } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import { DomainError, notFound } from "../errors.ts";
import { randomToken, type SessionUser, sha256 } from "./sessions.ts";

export const TOKEN_PREFIX = "upt_";
/** Tokens an account may hold: enough for every script, few enough to review. */
export const MAX_TOKENS = 50;
// Writing last_used_at on every call would make every read a write.
const TOUCH_EVERY_MS = 60_000;

export const createApiTokenInput = z.object({
  name: z.string().trim()
    .min(1, "name: must not be empty")
    .max(60, "name: at most 60 characters"),
});
export const apiTokenIdInput = z.object({ id: z.uuid({ error: "id: not an API token id" }) });

/** A token as its owner sees it: never the token itself. */
export interface ApiTokenView {
  id: string;
  name: string;
  /** Its first characters, "upt_Ab3d", to tell it apart. */
  prefix: string;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms, to the minute; null when never used. */
  lastUsedAt: number | null;
}

type Row = typeof apiTokens.$inferSelect;

function toView(row: Row): ApiTokenView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.createdAt.getTime(),
    lastUsedAt: row.lastUsedAt?.getTime() ?? null,
  };
}

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
    const held = await tx.$count(apiTokens, eq(apiTokens.userId, actor.userId));
    if (held >= MAX_TOKENS) {
      throw new DomainError(
        "BAD_REQUEST",
        `name: an account holds at most ${MAX_TOKENS} tokens; revoke one first`,
      );
    }
    const [row] = await tx.insert(apiTokens).values({
      userId: actor.userId,
      name: input.name,
      tokenHash,
      prefix: token.slice(0, TOKEN_PREFIX.length + 4),
    }).returning();
    return row;
  });
  return { ...toView(row), token };
}

export async function listApiTokens(services: Services, actor: Actor): Promise<ApiTokenView[]> {
  const rows = await services.readDb.select().from(apiTokens)
    .where(eq(apiTokens.userId, actor.userId))
    .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
  return rows.map(toView);
}

/** Revokes a token at once: its next call is refused. */
export async function revokeApiToken(
  services: Services,
  actor: Actor,
  id: string,
): Promise<{ id: string }> {
  const [row] = await services.db.delete(apiTokens)
    .where(and(eq(apiTokens.id, id), eq(apiTokens.userId, actor.userId)))
    .returning({ id: apiTokens.id });
  if (!row) throw notFound("API token");
  return row;
}

/** The account a token acts for, or null for no such token. */
export async function resolveApiToken(
  services: Services,
  token: string,
): Promise<SessionUser | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 100) return null;
  const tokenHash = await sha256(token);
  const [row] = await services.db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      lastUsedAt: apiTokens.lastUsedAt,
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(eq(apiTokens.tokenHash, tokenHash));
  if (!row) return null;
  const now = new Date();
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
    await services.db.update(apiTokens).set({ lastUsedAt: now })
      .where(eq(apiTokens.tokenHash, tokenHash));
  }
  return { id: row.id, email: row.email, name: row.name };
}
