/** Adds a monitor for the actor; it is checked right away (nextCheckAt = now). */
import { count, eq, sql } from "drizzle-orm";
import { users, websites } from "../../db/postgres/schema.ts";
import type { Config } from "../../lib/config.ts";
import type { Actor, Services } from "../context.ts";
import { DomainError } from "../errors.ts";
import { checkSettings } from "./rules.ts";
import type { CreateInput } from "./schemas.ts";
import { sealBody, sealHeaders, toWebsite, type Website } from "./store.ts";
import { acceptChannelIds } from "../notifications/attach.ts";
import type { Resolver } from "./url_policy.ts";
import {
  acceptMonitorTarget,
  checkTypeSettings,
  defaultMonitorName,
  newHeartbeatToken,
} from "./monitor_target.ts";

export async function createWebsite(
  services: Services,
  actor: Actor,
  input: CreateInput,
  resolve?: Resolver,
): Promise<Website> {
  const { config } = services;
  const type = input.type ?? "http";
  const heartbeat = type === "heartbeat";
  const url = await acceptMonitorTarget(type, input.url, config, resolve);
  const values = {
    ownerId: actor.accountId,
    type,
    url,
    // Named by its host when unnamed; a heartbeat has none.
    name: input.name || defaultMonitorName(type),
    method: input.method ?? "GET",
    headers: sealHeaders(config.secretKeys, input.headers ?? {}),
    body: sealBody(config.secretKeys, input.body ?? null),
    intervalSeconds: input.intervalSeconds ?? null,
    timeoutMs: input.timeoutMs ?? null,
    regions: input.regions ?? config.regions,
    expectedStatus: input.expectedStatus ?? null,
    keyword: input.keyword ?? null,
    confirmations: input.confirmations ?? 2,
    quorum: input.quorum ?? "half",
    notificationChannelIds: await acceptChannelIds(services, actor, input.notificationIds) ?? null,
    forbiddenKeyword: input.forbiddenKeyword ?? null,
    jsonPath: input.jsonPath ?? null,
    jsonExpected: input.jsonExpected ?? null,
    tags: input.tags ?? [],
    degradedMs: input.degradedMs ?? null,
    certExpiryWarnDays: input.certExpiryWarnDays ?? null,
    heartbeatGraceSeconds: input.heartbeatGraceSeconds ?? null,
    remindEveryMinutes: input.remindEveryMinutes ?? null,
    escalateAfterMinutes: input.escalation?.afterMinutes ?? null,
    escalationChannelIds: await acceptChannelIds(
      services,
      actor,
      input.escalation?.notificationIds ?? [],
      "escalation.notificationIds",
    ),
    heartbeatToken: heartbeat ? newHeartbeatToken() : null,
    // A heartbeat is due (down) when no beat came within one period plus the grace time.
    nextCheckAt: heartbeat
      ? heartbeatDeadline(input.intervalSeconds, input.heartbeatGraceSeconds, config)
      : sql`now()`,
  };
  checkTypeSettings(type, values);
  checkSettings(config, values);
  // Beats arrive at the web, not at a region: heartbeat results carry the first region.
  if (heartbeat) values.regions = [config.regions[0]];

  const row = await services.db.transaction(async (tx) => {
    // Locking the owner's row serialises their creates, so two at once cannot both
    // pass the count below and exceed the limit.
    await tx.select({ id: users.id }).from(users).where(eq(users.id, actor.accountId)).for(
      "update",
    );
    const [{ owned }] = await tx.select({ owned: count() }).from(websites)
      .where(eq(websites.ownerId, actor.accountId));
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

/** When a heartbeat monitor with these settings is down if no beat arrives first. */
export function heartbeatDeadline(
  intervalSeconds: number | null | undefined,
  graceSeconds: number | null | undefined,
  config: Config,
) {
  const period = intervalSeconds ?? Math.round(config.publishIntervalMs / 1000);
  return sql`now() + make_interval(secs => ${period + (graceSeconds ?? 0)})`;
}
