/** The DNS records a user creates so that their domain reaches the status page. */
import type { FlyDnsRequirements } from "./fly_certificates.ts";
import { verificationName } from "./ownership.ts";

/** The TXT record proving this claim, first in every list of records. */
export function verificationRecord(hostname: string, token: string): DnsRecord {
  return { type: "TXT", name: verificationName(hostname), value: token, purpose: "ownership" };
}

/**
 * Before a certificate is requested (the domain is not verified yet). `manual`: this
 * deployment requests no certificates (not on Fly); its operator adds them.
 */
export function unverifiedDnsInstructions(
  hostname: string,
  token: string,
  cnameTarget: string,
  manual = false,
): DnsInstructions {
  return {
    records: [
      verificationRecord(hostname, token),
      { type: "CNAME", name: hostname, value: cnameTarget, purpose: "traffic" },
    ],
    note: `Create the TXT record (it proves the domain is yours) and the CNAME (for an apex ` +
      `domain, A/AAAA records with the addresses of ${cnameTarget} instead), then verify. ` +
      (manual
        ? "Certificates are not requested automatically on this deployment: ask its operator " +
          "to add one."
        : "The certificate is requested once the domain is verified."),
  };
}

export interface DnsRecord {
  type: "CNAME" | "A" | "AAAA" | "TXT";
  name: string;
  value: string;
  /**
   * `traffic`: points the domain at the app. `traffic-apex`: instead of that CNAME, for a
   * domain's apex, where CNAMEs are not allowed. `acme-challenge`: lets the certificate
   * be issued before traffic moves. `ownership`: proves the domain is yours: the TXT
   * `_uptime.<host>` record to this app (it wins over any other account's claim), or
   * Fly's own ownership record.
   */
  purpose: "traffic" | "traffic-apex" | "acme-challenge" | "ownership";
}

export interface DnsInstructions {
  records: DnsRecord[];
  note: string;
}

/** From Fly's `dns_requirements`; without them, the CNAME every Fly app answers on. */
export function flyDnsInstructions(
  hostname: string,
  appName: string,
  requirements: FlyDnsRequirements | null,
): DnsInstructions {
  const r = requirements ?? {};
  const records: DnsRecord[] = [
    { type: "CNAME", name: hostname, value: r.cname ?? `${appName}.fly.dev`, purpose: "traffic" },
    ...(r.a ?? []).map((value): DnsRecord => ({
      type: "A",
      name: hostname,
      value,
      purpose: "traffic-apex",
    })),
    ...(r.aaaa ?? []).map((value): DnsRecord => ({
      type: "AAAA",
      name: hostname,
      value,
      purpose: "traffic-apex",
    })),
  ];
  if (r.acme_challenge) {
    records.push({
      type: "CNAME",
      name: r.acme_challenge.name,
      value: r.acme_challenge.target,
      purpose: "acme-challenge",
    });
  }
  if (r.ownership?.app_value) {
    records.push({
      type: "TXT",
      name: r.ownership.name,
      value: r.ownership.app_value,
      purpose: "ownership",
    });
  }
  return {
    records,
    note: "Create the CNAME (or, for an apex domain, the A and AAAA records instead) and " +
      "the _acme-challenge CNAME; the certificate is issued once they resolve. Then verify again.",
  };
}

/** Without Fly's API: the domain points at the app's host; its certificate is handled by hand. */
export function manualDnsInstructions(hostname: string, appUrl: string): DnsInstructions {
  return {
    records: [{
      type: "CNAME",
      name: hostname,
      value: new URL(appUrl).hostname,
      purpose: "traffic",
    }],
    note: "Certificates are not requested automatically on this deployment (no FLY_API_TOKEN " +
      "and FLY_APP_NAME): create the CNAME, then ask the operator to add a certificate.",
  };
}
