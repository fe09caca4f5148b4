/** What the domain verbs share: ownership through the status page, and the domain's shape. */
import { and, eq } from "drizzle-orm";
import { statusDomains, statusPages } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import { notFound } from "../errors.ts";
import { type FlyCertificate, type FlyCertificates, flyCertificates } from "./fly_certificates.ts";
import { type DnsInstructions, flyDnsInstructions } from "./dns.ts";

export type DomainRow = typeof statusDomains.$inferSelect;

export interface StatusDomainView {
  id: string;
  statusPageId: string;
  hostname: string;
  /** `manual` when the deployment has no Fly API configured. */
  certificateState: DomainRow["certificateState"];
  /** Epoch ms. */
  lastCheckedAt: number | null;
  /** Epoch ms. */
  createdAt: number;
}

export function toDomainView(row: DomainRow): StatusDomainView {
  return {
    id: row.id,
    statusPageId: row.statusPageId,
    hostname: row.hostname,
    certificateState: row.certificateState,
    lastCheckedAt: row.lastCheckedAt?.getTime() ?? null,
    createdAt: row.createdAt.getTime(),
  };
}

/** A domain on one of the actor's pages, or NOT_FOUND. */
export async function loadOwnedDomain(
  services: Services,
  actor: Actor,
  id: string,
): Promise<DomainRow> {
  const [row] = await services.db.select({ domain: statusDomains }).from(statusDomains)
    .innerJoin(statusPages, eq(statusPages.id, statusDomains.statusPageId))
    .where(and(eq(statusDomains.id, id), eq(statusPages.ownerId, actor.userId)));
  if (!row) throw notFound("domain");
  return row.domain;
}

/** The actor's page, or NOT_FOUND. */
export async function assertOwnedPage(
  services: Services,
  actor: Actor,
  statusPageId: string,
): Promise<void> {
  const [page] = await services.db.select({ id: statusPages.id }).from(statusPages)
    .where(and(eq(statusPages.id, statusPageId), eq(statusPages.ownerId, actor.userId)));
  if (!page) throw notFound("status page");
}

/** The Fly client when the deployment has Fly configured, else null (manual domains). */
export function flyFor(services: Services): FlyCertificates | null {
  return services.config.fly ? flyCertificates(services.config.fly) : null;
}

export interface DomainWithDns {
  domain: StatusDomainView;
  dns: DnsInstructions;
  /** What Fly says stands in the way of the certificate, if anything. */
  problems: string[];
}

/** Stores what Fly said of a domain's certificate and tells the user what to do next. */
export async function recordCertificate(
  services: Services,
  row: DomainRow,
  certificate: FlyCertificate,
): Promise<DomainWithDns> {
  const [updated] = await services.db.update(statusDomains)
    .set({ certificateState: certificate.state, lastCheckedAt: new Date() })
    .where(eq(statusDomains.id, row.id))
    .returning();
  return {
    domain: toDomainView(updated ?? row),
    dns: flyDnsInstructions(
      row.hostname,
      services.config.fly!.appName,
      certificate.dnsRequirements,
    ),
    problems: certificate.problems,
  };
}
