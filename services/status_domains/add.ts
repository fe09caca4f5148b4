import { statusDomains } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import { DomainError } from "../errors.ts";
import { assertOwnedPage, type DomainWithDns, withDns } from "./domains.ts";
import { assertNotAppHost } from "./hostname.ts";
import type { AddStatusDomainInput } from "./input.ts";

/**
 * Claims a custom domain for one of the actor's pages. A claim blocks nobody: other
 * accounts may claim the same hostname, and the one whose DNS proves control wins
 * (`verify`). Nothing is asked of Fly until then.
 */
export async function addStatusDomain(
  services: Services,
  actor: Actor,
  input: AddStatusDomainInput,
): Promise<DomainWithDns> {
  await assertOwnedPage(services.db, actor, input.statusPageId);
  assertNotAppHost(input.hostname, services.config);
  const [row] = await services.db.insert(statusDomains)
    .values({
      statusPageId: input.statusPageId,
      hostname: input.hostname,
      certificateState: services.config.fly ? "pending" : "manual",
    })
    .onConflictDoNothing({ target: [statusDomains.statusPageId, statusDomains.hostname] })
    .returning();
  if (!row) {
    throw new DomainError("CONFLICT", `hostname: ${input.hostname} is already in use on this page`);
  }
  return withDns(services, row);
}
