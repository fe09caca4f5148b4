import { and, eq } from "drizzle-orm";
import { apiTokens } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import { notFound } from "../errors.ts";
import { actorsTokens } from "./tokens.ts";

/** Revokes a token at once: its next call is refused. */
export async function revokeApiToken(
  services: Services,
  actor: Actor,
  id: string,
): Promise<{ id: string }> {
  const [row] = await services.db.delete(apiTokens)
    .where(and(eq(apiTokens.id, id), actorsTokens(actor)))
    .returning({ id: apiTokens.id });
  if (!row) throw notFound("API token");
  return row;
}
