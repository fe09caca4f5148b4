import { desc } from "drizzle-orm";
import { apiTokens } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import { actorsTokens, type ApiTokenView, toView } from "./tokens.ts";

export async function listApiTokens(services: Services, actor: Actor): Promise<ApiTokenView[]> {
  const rows = await services.readDb.select().from(apiTokens)
    .where(actorsTokens(actor))
    .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
  return rows.map(toView);
}
