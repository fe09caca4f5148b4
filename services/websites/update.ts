/**
 * Changes some of a website's settings. A new URL goes through the same policy as at
 * create; a new URL or interval is checked right away rather than at the old schedule.
 */
import { sql } from "drizzle-orm";
import { websites } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import { notFound } from "../errors.ts";
import { checkSettings } from "./rules.ts";
import type { UpdateInput } from "./schemas.ts";
import { ownedBy, ownedWebsite, toWebsite, type Website } from "./store.ts";
import { acceptChannelIds } from "../notifications/attach.ts";
import { acceptTargetUrl, type Resolver } from "./url_policy.ts";

export async function updateWebsite(
  services: Services,
  actor: Actor,
  input: UpdateInput,
  resolve?: Resolver,
): Promise<Website> {
  const { config } = services;
  const { id, url, notificationIds, ...changes } = input;
  const current = await ownedWebsite(services, actor, id);
  const acceptedUrl = url === undefined
    ? undefined
    : await acceptTargetUrl(url, { allowPrivateTargets: config.allowPrivateTargets, resolve });
  const channelIds = await acceptChannelIds(services, actor, notificationIds);
  const patch = {
    ...changes,
    ...(channelIds === undefined ? {} : { notificationChannelIds: channelIds }),
    ...(acceptedUrl === undefined ? {} : { url: acceptedUrl }),
    ...(changes.name === "" ? { name: null } : {}),
  };
  checkSettings(config, {
    method: patch.method ?? current.method,
    body: patch.body === undefined ? current.body : patch.body,
    intervalSeconds: patch.intervalSeconds === undefined
      ? current.intervalSeconds
      : patch.intervalSeconds,
    regions: patch.regions ?? current.regions,
  });
  const reschedule = (acceptedUrl !== undefined && acceptedUrl !== current.url) ||
    (patch.intervalSeconds !== undefined && patch.intervalSeconds !== current.intervalSeconds);

  const [row] = await services.db.update(websites)
    .set({
      ...patch,
      updatedAt: sql`now()`,
      ...(reschedule ? { nextCheckAt: sql`now()` } : {}),
    })
    .where(ownedBy(actor, id))
    .returning();
  // Deleted between the read and the write.
  if (!row) throw notFound("Website");
  return toWebsite(row, config);
}
