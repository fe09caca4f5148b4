/**
 * Which channels a monitor alerts: `notificationIds` on website.create/update. `null`
 * (the default) means every channel of the account, including channels added later; a
 * list means exactly those channels (an empty list: none). Every id must be one of the
 * actor's channels, as must those it escalates to (`escalation.notificationIds`).
 */
import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { notificationChannels } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import { DomainError } from "../errors.ts";

export const notificationIdsInput = z.array(
  z.uuid({ error: "notificationIds: expected notification channel ids" }),
  { error: "notificationIds: expected a list of channel ids, or null for every channel" },
).max(50, "notificationIds: at most 50 channels")
  .transform((ids) => [...new Set(ids)])
  .nullable();

/** The ids to store (undefined: leave as is); a refusal names `field`. */
export async function acceptChannelIds<T extends string[] | null | undefined>(
  services: Services,
  actor: Actor,
  ids: T,
  field = "notificationIds",
): Promise<T> {
  if (!ids?.length) return ids;
  const owned = await services.db.select({ id: notificationChannels.id })
    .from(notificationChannels)
    .where(
      and(eq(notificationChannels.ownerId, actor.accountId), inArray(notificationChannels.id, ids)),
    );
  const known = new Set(owned.map((row) => row.id));
  const unknown = ids.find((id) => !known.has(id));
  if (unknown) {
    throw new DomainError("BAD_REQUEST", `${field}: no notification channel ${unknown}`);
  }
  return ids;
}
