/**
 * Changes some of a website's settings. A new URL goes through the same policy as at
 * create; a new URL or interval is checked right away rather than at the old schedule.
 */
import { sql } from "drizzle-orm";
import { websites } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import { DomainError, notFound } from "../errors.ts";
import { checkSettings } from "./rules.ts";
import type { UpdateInput } from "./schemas.ts";
import { ownedBy, ownedWebsite, sealBody, sealHeaders, toWebsite, type Website } from "./store.ts";
import { acceptChannelIds } from "../notifications/attach.ts";
import type { Resolver } from "./url_policy.ts";
import { acceptMonitorTarget, checkTypeSettings, defaultMonitorName } from "./monitor_target.ts";
import { heartbeatDeadline } from "./create.ts";

export async function updateWebsite(
  services: Services,
  actor: Actor,
  input: UpdateInput,
  resolve?: Resolver,
): Promise<Website> {
  const { config } = services;
  const { id, url, notificationIds, escalation, ...changes } = input;
  const current = await ownedWebsite(services.db, actor, id);
  const acceptedUrl = url === undefined
    ? undefined
    : await acceptMonitorTarget(current.type, url, config, resolve);
  const channelIds = await acceptChannelIds(services, actor, notificationIds);
  const patch = {
    ...changes,
    ...(channelIds === undefined ? {} : { notificationChannelIds: channelIds }),
    ...(escalation === undefined ? {} : {
      escalateAfterMinutes: escalation?.afterMinutes ?? null,
      escalationChannelIds: await acceptChannelIds(
        services,
        actor,
        escalation?.notificationIds ?? [],
        "escalation.notificationIds",
      ),
    }),
    ...(acceptedUrl === undefined ? {} : { url: acceptedUrl }),
    // No path, nothing to expect there.
    ...(changes.jsonPath === null && changes.jsonExpected === undefined
      ? { jsonExpected: null }
      : {}),
    ...(changes.name === "" || changes.name === null
      ? { name: defaultMonitorName(current.type) }
      : {}),
  };
  checkSettings(config, {
    method: patch.method ?? current.method,
    body: patch.body === undefined ? current.body : patch.body,
    intervalSeconds: patch.intervalSeconds === undefined
      ? current.intervalSeconds
      : patch.intervalSeconds,
    regions: patch.regions ?? current.regions,
  });
  const merged = <K extends keyof typeof current>(key: K) =>
    key in patch && patch[key as keyof typeof patch] !== undefined
      ? patch[key as keyof typeof patch] as typeof current[K]
      : current[key];
  checkTypeSettings(current.type, {
    url: merged("url"),
    method: merged("method"),
    headers: merged("headers"),
    body: merged("body"),
    expectedStatus: merged("expectedStatus"),
    keyword: merged("keyword"),
    forbiddenKeyword: merged("forbiddenKeyword"),
    jsonPath: merged("jsonPath"),
    jsonExpected: merged("jsonExpected"),
    heartbeatGraceSeconds: merged("heartbeatGraceSeconds"),
  });
  const heartbeat = current.type === "heartbeat";
  if (heartbeat && patch.regions !== undefined) {
    throw new DomainError(
      "BAD_REQUEST",
      "regions: a heartbeat monitor is not checked from regions",
    );
  }
  const reschedule = (acceptedUrl !== undefined && acceptedUrl !== current.url) ||
    (patch.intervalSeconds !== undefined && patch.intervalSeconds !== current.intervalSeconds) ||
    (heartbeat && patch.heartbeatGraceSeconds !== undefined &&
      patch.heartbeatGraceSeconds !== current.heartbeatGraceSeconds);
  const nextCheckAt = !reschedule ? {} : heartbeat
    ? {
      nextCheckAt: heartbeatDeadline(
        merged("intervalSeconds"),
        merged("heartbeatGraceSeconds"),
        config,
      ),
    }
    : { nextCheckAt: sql`now()` };

  const [row] = await services.db.update(websites)
    .set({
      ...patch,
      ...(patch.headers === undefined
        ? {}
        : { headers: sealHeaders(config.secretKeys, patch.headers) }),
      ...(patch.body === undefined ? {} : { body: sealBody(config.secretKeys, patch.body) }),
      updatedAt: sql`now()`,
      ...nextCheckAt,
    })
    .where(ownedBy(actor, id))
    .returning();
  // Deleted between the read and the write.
  if (!row) throw notFound("Website");
  return toWebsite(row, config);
}
