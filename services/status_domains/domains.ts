/** What the domain verbs share: ownership through the status page, and the domain's shape. */
import { and, eq } from "drizzle-orm";
import { statusDomains, statusPages } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import type { Database } from "../../db/postgres/client.ts";
import { notFound } from "../errors.ts";
import { type FlyCertificate, type FlyCertificates, flyCertificates } from "./fly_certificates.ts";
import {
  type DnsInstructions,
  flyDnsInstructions,
  manualDnsInstructions,
  unverifiedDnsInstructions,
  verificationRecord,
} from "./dns.ts";
import { cnameTargets } from "./ownership.ts";

export type DomainRow = typeof statusDomains.$inferSelect;

/**
 * A domain as the dashboard's domain editor shows it: whether it is verified, the state
 * of its certificate, and the DNS records to create.
 */
export interface StatusDomainView {
  id: string;
  statusPageId: string;
  hostname: string;
  /**
   * DNS showed the owner controls it; only then is the page served there and its
   * certificate requested. (Typed nullable for callers that merge in older shapes; these
   * services always say.)
   */
  verified: boolean | null;
  /** Epoch ms; null until verified. */
  verifiedAt: number | null;
  /** The value of the TXT record `_uptime.<hostname>` that proves this claim. */
  verificationToken: string;
  /**
   * `manual` when the deployment has no Fly API configured; else Fly's certificate:
   * `pending` (also while not verified: nothing is requested before), `issued` or `failed`.
   */
  certificateState: DomainRow["certificateState"];
  /** Epoch ms of the last verification attempt. */
  lastCheckedAt: number | null;
  /** Epoch ms. */
  createdAt: number;
  /** The records to create (Fly's exact ones appear after a verify once verified). */
  dns: DnsInstructions;
}

export function toDomainView(
  services: Services,
  row: DomainRow,
  dns = baseInstructions(services, row),
): StatusDomainView {
  return {
    id: row.id,
    statusPageId: row.statusPageId,
    hostname: row.hostname,
    verified: row.verifiedAt !== null,
    verifiedAt: row.verifiedAt?.getTime() ?? null,
    verificationToken: row.verificationToken,
    certificateState: row.certificateState,
    lastCheckedAt: row.lastCheckedAt?.getTime() ?? null,
    createdAt: row.createdAt.getTime(),
    dns,
  };
}

/** The records without asking Fly: the TXT proof and the CNAME to the app. */
export function baseInstructions(services: Services, row: DomainRow): DnsInstructions {
  const target = cnameTargets(services.config)[0] ?? new URL(services.config.appUrl).hostname;
  if (!row.verifiedAt) {
    return unverifiedDnsInstructions(
      row.hostname,
      row.verificationToken,
      target,
      !services.config.fly,
    );
  }
  const base = manualDnsInstructions(row.hostname, services.config.appUrl);
  return {
    records: [verificationRecord(row.hostname, row.verificationToken), {
      type: "CNAME",
      name: row.hostname,
      value: target,
      purpose: "traffic",
    }],
    note: services.config.fly
      ? "Verified. Keep the TXT record and the CNAME; the certificate is issued once they resolve."
      : base.note,
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
    .where(and(eq(statusDomains.id, id), eq(statusPages.ownerId, actor.accountId)));
  if (!row) throw notFound("domain");
  return row.domain;
}

/** The actor's page, or NOT_FOUND. `db`: `services.readDb` for a read, `services.db` before a write. */
export async function assertOwnedPage(
  db: Database,
  actor: Actor,
  statusPageId: string,
): Promise<void> {
  const [page] = await db.select({ id: statusPages.id }).from(statusPages)
    .where(and(eq(statusPages.id, statusPageId), eq(statusPages.ownerId, actor.accountId)));
  if (!page) throw notFound("status page");
}

/** The Fly client when the deployment has Fly configured, else null (manual domains). */
export function flyFor(services: Services): FlyCertificates | null {
  return services.config.fly ? flyCertificates(services.config.fly) : null;
}

export interface DomainWithDns {
  domain: StatusDomainView;
  /** The same as `domain.dns`. */
  dns: DnsInstructions;
  /** What stands in the way of verification or of the certificate, if anything. */
  problems: string[];
}

export function withDns(
  services: Services,
  row: DomainRow,
  problems: string[] = [],
  dns?: DnsInstructions,
): DomainWithDns {
  const domain = toDomainView(services, row, dns);
  return { domain, dns: domain.dns, problems };
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
  const fly = flyDnsInstructions(
    row.hostname,
    services.config.fly!.appName,
    certificate.dnsRequirements,
  );
  return withDns(services, updated ?? row, certificate.problems, {
    records: [verificationRecord(row.hostname, row.verificationToken), ...fly.records],
    note: fly.note,
  });
}
