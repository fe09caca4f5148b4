import { eq } from "drizzle-orm";
import { statusDomains } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import { type DomainRow, flyFor, loadOwnedDomain } from "./domains.ts";
import { forgetHost } from "./route_host.ts";

/**
 * Removes a domain: its certificate at Fly first, then the row. If Fly cannot be reached
 * the row stays, so the certificate is never left behind without a record of it.
 */
export async function removeStatusDomain(
  services: Services,
  actor: Actor,
  id: string,
): Promise<{ id: string }> {
  const row = await loadOwnedDomain(services, actor, id);
  await releaseCertificates(services, [row]);
  await services.db.delete(statusDomains).where(eq(statusDomains.id, row.id));
  return { id: row.id };
}

/**
 * Deletes the certificates Fly holds for these domains. Only a verified claim has one:
 * removing an unverified claim must not take the certificate of the account that proved
 * control of the same hostname. Manual domains have none.
 */
export async function releaseCertificates(services: Services, rows: DomainRow[]): Promise<void> {
  const fly = flyFor(services);
  for (const row of rows) {
    if (!row.verifiedAt) continue;
    forgetHost(services, row.hostname);
    if (fly && row.certificateState !== "manual") await fly.remove(row.hostname);
  }
}
