/** Pauses or resumes a monitor; resuming checks it right away. */
import { sql } from "drizzle-orm";
import { websites } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import { notFound } from "../errors.ts";
import type { SetActiveInput } from "./schemas.ts";
import { ownedBy, toWebsite, type Website } from "./store.ts";

export async function setWebsiteActive(
  services: Services,
  actor: Actor,
  input: SetActiveInput,
): Promise<Website> {
  const [row] = await services.db.update(websites)
    .set({
      active: input.active,
      updatedAt: sql`now()`,
      ...(input.active
        ? {
          nextCheckAt: sql`now()`,
          // Resuming a monitor that runs already changes nothing.
          resumedAt: sql`case when ${websites.active} then ${websites.resumedAt} else now() end`,
        }
        : {}),
    })
    .where(ownedBy(actor, input.id))
    .returning();
  if (!row) throw notFound("Website");
  return toWebsite(row, services.config);
}
