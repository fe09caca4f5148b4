import { eq } from "drizzle-orm";
import { statusDomains } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import { DomainError } from "../errors.ts";
import { manualDnsInstructions } from "./dns.ts";
import {
  assertOwnedPage,
  type DomainWithDns,
  flyFor,
  recordCertificate,
  toDomainView,
} from "./domains.ts";
import { assertNotAppHost } from "./hostname.ts";
import type { AddStatusDomainInput } from "./input.ts";

/**
 * Adds a custom domain to one of the actor's pages. With Fly configured, a certificate is
 * requested at once; if Fly refuses, the domain is not kept, so adding it again is a clean retry.
 */
export async function addStatusDomain(
  services: Services,
  actor: Actor,
  input: AddStatusDomainInput,
): Promise<DomainWithDns> {
  await assertOwnedPage(services, actor, input.statusPageId);
  assertNotAppHost(input.hostname, services.config.appUrl);
  const fly = flyFor(services);
  // The row is written first: the unique index decides between two simultaneous adds
  // before anyone asks Fly for a certificate.
  const [row] = await services.db.insert(statusDomains)
    .values({
      statusPageId: input.statusPageId,
      hostname: input.hostname,
      certificateState: fly ? "pending" : "manual",
    })
    .onConflictDoNothing({ target: statusDomains.hostname })
    .returning();
  if (!row) {
    throw new DomainError(
      "CONFLICT",
      `hostname: ${input.hostname} is already in use by a status page`,
    );
  }
  if (!fly) {
    return {
      domain: toDomainView(row),
      dns: manualDnsInstructions(row.hostname, services.config.appUrl),
      problems: [],
    };
  }
  let certificate;
  try {
    certificate = await fly.request(row.hostname);
  } catch (error) {
    await services.db.delete(statusDomains).where(eq(statusDomains.id, row.id));
    throw error;
  }
  return await recordCertificate(services, row, certificate);
}
