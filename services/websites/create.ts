/** Adds a monitor for the actor; it is checked right away (nextCheckAt = now). */
import { count, eq, sql } from "drizzle-orm";
import { users, websites } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import { DomainError } from "../errors.ts";
import { checkSettings } from "./rules.ts";
import type { CreateInput } from "./schemas.ts";
import { toWebsite, type Website } from "./store.ts";
import { acceptChannelIds } from "../notifications/attach.ts";
import { acceptTargetUrl, type Resolver } from "./url_policy.ts";

export async function createWebsite(
  services: Services,
  actor: Actor,
  input: CreateInput,
  resolve?: Resolver,
): Promise<Website> {
  const { config } = services;
  const values = {
    ownerId: actor.userId,
    url: await acceptTargetUrl(input.url, {
      allowPrivateTargets: config.allowPrivateTargets,
      resolve,
    }),
    name: input.name || null,
    method: input.method ?? "GET",
    headers: input.headers ?? {},
    body: input.body ?? null,
    intervalSeconds: input.intervalSeconds ?? null,
    timeoutMs: input.timeoutMs ?? null,
    regions: input.regions ?? config.regions,
    expectedStatus: input.expectedStatus ?? null,
    keyword: input.keyword ?? null,
    confirmations: input.confirmations ?? 2,
    quorum: input.quorum ?? "half",
    notificationChannelIds: await acceptChannelIds(services, actor, input.notificationIds) ?? null,
    nextCheckAt: sql`now()`,
  };
  checkSettings(config, values);

  const row = await services.db.transaction(async (tx) => {
    // Locking the owner's row serialises their creates, so two at once cannot both
    // pass the count below and exceed the limit.
    await tx.select({ id: users.id }).from(users).where(eq(users.id, actor.userId)).for("update");
    const [{ owned }] = await tx.select({ owned: count() }).from(websites)
      .where(eq(websites.ownerId, actor.userId));
    if (owned >= config.websitesPerUser) {
      throw new DomainError(
        "FORBIDDEN",
        `You have reached the limit of ${config.websitesPerUser} websites; delete one to add another`,
      );
    }
    const [inserted] = await tx.insert(websites).values(values).returning();
    return inserted;
  });
  return toWebsite(row, config);
}
