import { and, eq, ne } from "drizzle-orm";
import { statusDomains } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import { DomainError, isUniqueViolation } from "../errors.ts";
import {
  type DomainRow,
  type DomainWithDns,
  flyFor,
  loadOwnedDomain,
  recordCertificate,
  withDns,
} from "./domains.ts";
import { checkOwnership } from "./ownership.ts";
import { forgetHost } from "./route_host.ts";

/**
 * Checks DNS for proof that the actor controls the domain (see `ownership.ts`); once it
 * is verified, asks Fly for its certificate (a request the first time, a fresh check
 * after) and stores the outcome. A TXT proof takes the hostname from any other claim that
 * was verified before: DNS says who controls it now.
 */
export async function verifyStatusDomain(
  services: Services,
  actor: Actor,
  id: string,
): Promise<DomainWithDns> {
  let row = await loadOwnedDomain(services, actor, id);
  if (!row.verifiedAt) {
    const verified = await proveOwnership(services, row);
    if (!verified.ok) return withDns(services, verified.row, verified.problems);
    row = verified.row;
  }
  const fly = flyFor(services);
  if (!fly) {
    const [updated] = await services.db.update(statusDomains)
      .set({ certificateState: "manual", lastCheckedAt: new Date() })
      .where(eq(statusDomains.id, row.id))
      .returning();
    return withDns(services, updated ?? row);
  }
  // Fly may not know the hostname: verified just now, or removed there by hand.
  const certificate = await fly.check(row.hostname) ?? await fly.request(row.hostname);
  return await recordCertificate(services, row, certificate);
}

async function proveOwnership(
  services: Services,
  row: DomainRow,
): Promise<{ ok: true; row: DomainRow } | { ok: false; row: DomainRow; problems: string[] }> {
  const rivals = await services.db.select({ id: statusDomains.id }).from(statusDomains)
    .where(and(eq(statusDomains.hostname, row.hostname), ne(statusDomains.id, row.id)));
  const check = await checkOwnership(services.config, row, {
    pointsHereCounts: rivals.length === 0,
  });
  const now = new Date();
  if (!check.proof) {
    const [updated] = await services.db.update(statusDomains).set({ lastCheckedAt: now })
      .where(eq(statusDomains.id, row.id)).returning();
    return { ok: false, row: updated ?? row, problems: check.problems };
  }
  try {
    const updated = await services.db.transaction(async (tx) => {
      if (check.proof === "txt") {
        await tx.update(statusDomains).set({ verifiedAt: null })
          .where(and(eq(statusDomains.hostname, row.hostname), ne(statusDomains.id, row.id)));
      }
      const [verified] = await tx.update(statusDomains)
        .set({ verifiedAt: now, lastCheckedAt: now })
        .where(eq(statusDomains.id, row.id))
        .returning();
      return verified;
    });
    forgetHost(services, row.hostname);
    return { ok: true, row: updated ?? row };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    throw new DomainError(
      "CONFLICT",
      `hostname: ${row.hostname} is verified for another status page; ` +
        `add the TXT record ${`_uptime.${row.hostname}`} with this domain's token to take it over`,
    );
  }
}
