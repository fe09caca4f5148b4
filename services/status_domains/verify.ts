import { eq } from "drizzle-orm";
import { statusDomains } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import type { DomainWithDns } from "./domains.ts";
import { manualDnsInstructions } from "./dns.ts";
import { flyFor, loadOwnedDomain, recordCertificate, toDomainView } from "./domains.ts";

/**
 * Asks Fly for a fresh check of the domain's certificate and stores the outcome; returns
 * the DNS records the user must create. Without Fly, returns the manual instructions.
 */
export async function verifyStatusDomain(
  services: Services,
  actor: Actor,
  id: string,
): Promise<DomainWithDns> {
  const row = await loadOwnedDomain(services, actor, id);
  const fly = flyFor(services);
  if (!fly) {
    const [updated] = await services.db.update(statusDomains)
      .set({ certificateState: "manual", lastCheckedAt: new Date() })
      .where(eq(statusDomains.id, row.id))
      .returning();
    return {
      domain: toDomainView(updated ?? row),
      dns: manualDnsInstructions(row.hostname, services.config.appUrl),
      problems: [],
    };
  }
  // Fly may not know the hostname: added before Fly was configured, or removed there by hand.
  const certificate = await fly.check(row.hostname) ?? await fly.request(row.hostname);
  return await recordCertificate(services, row, certificate);
}
