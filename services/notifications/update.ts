/**
 * Renames a channel or changes some of its settings. Given settings are merged into the
 * stored ones; a secret sent empty (as the edit form does) keeps the stored secret, any
 * other field sent empty is cleared. The kind of a channel never changes.
 */
import { and, eq, sql } from "drizzle-orm";
import { notificationChannels } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import { notFound } from "../errors.ts";
import type { UpdateChannelInput } from "./input.ts";
import { type ChannelKind, providers } from "./providers/mod.ts";
import {
  acceptSettings,
  type Channel,
  ownedChannel,
  toChannel,
  withOpenSettings,
} from "./store.ts";
import { sealRecord } from "../../lib/sealed_record.ts";

export async function updateChannel(
  services: Services,
  actor: Actor,
  input: UpdateChannelInput,
): Promise<Channel> {
  const keys = services.config.secretKeys;
  const current = withOpenSettings(await ownedChannel(services.db, actor, input.id), keys);
  const provider = providers[current.kind as ChannelKind];
  let config = current.config;
  if (input.config) {
    const secrets = new Set(provider.fields.filter((f) => f.secret).map((f) => f.name));
    const merged: Record<string, unknown> = { ...current.config };
    for (const [name, value] of Object.entries(input.config)) {
      const empty = value === "" || value === null;
      if (empty && secrets.has(name)) continue;
      if (empty) delete merged[name];
      else merged[name] = value;
    }
    config = await acceptSettings(services, provider, merged);
  }
  const [row] = await services.db.update(notificationChannels)
    .set({
      name: input.name ?? current.name,
      config: sealRecord(keys, config),
      updatedAt: sql`now()`,
    })
    .where(
      and(eq(notificationChannels.id, input.id), eq(notificationChannels.ownerId, actor.accountId)),
    )
    .returning();
  if (!row) throw notFound("Notification channel");
  return toChannel(row, keys);
}
