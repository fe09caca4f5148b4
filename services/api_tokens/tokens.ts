/**
 * API tokens: `upt_` and 256 random bits, for scripts that call the API without a browser
 * (`Authorization: Bearer …`). A token acts as its account in every procedure except those
 * about the account's sign-in itself and its tokens, which need a browser session; a
 * read-only one in queries alone (a dashboard, an export), never a change. Only the SHA-256
 * is stored; the token is shown once, when it is made.
 */
import { z } from "zod";
import { and, eq, isNull } from "drizzle-orm";
import { apiTokens } from "../../db/postgres/schema.ts";
import type { Actor } from "../context.ts";

export const TOKEN_PREFIX = "upt_";
/** Tokens a person may hold in a team: enough for every script, few enough to review. */
export const MAX_TOKENS = 50;

/** The lifetimes the form offers, in days; the API takes any whole number of days up to a year. */
export const EXPIRY_CHOICES = [7, 30, 90, 365] as const;

export const createApiTokenInput = z.object({
  name: z.string().trim()
    .min(1, "name: must not be empty")
    .max(60, "name: at most 60 characters"),
  /** Days until it stops working; null or left out: never. */
  expiresInDays: z.number({ error: "expiresInDays: expected a number of days" })
    .int("expiresInDays: expected a whole number of days")
    .min(1, "expiresInDays: at least 1")
    .max(365, "expiresInDays: at most 365")
    .nullable().optional(),
  /** Queries only; left out: it may change things too. */
  readOnly: z.boolean({ error: "readOnly: expected true or false" }).optional(),
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
  /** Epoch ms from which it is refused; null: never. */
  expiresAt: number | null;
  /** Queries only. */
  readOnly: boolean;
}

type Row = typeof apiTokens.$inferSelect;

export function toView(row: Row): ApiTokenView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.createdAt.getTime(),
    lastUsedAt: row.lastUsedAt?.getTime() ?? null,
    expiresAt: row.expiresAt?.getTime() ?? null,
    readOnly: row.readOnly,
  };
}

/**
 * The team a new token of the actor acts in, as stored: null for the user's own account.
 * A token made in a team ends when its user leaves the team.
 */
export const tokenAccount = (actor: Actor) =>
  actor.accountId === actor.userId ? null : actor.accountId;

/** The actor's tokens: their own, made in the team they work in now. */
export const actorsTokens = (actor: Actor) =>
  and(
    eq(apiTokens.userId, actor.userId),
    actor.accountId === actor.userId
      ? isNull(apiTokens.accountId)
      : eq(apiTokens.accountId, actor.accountId),
  );
