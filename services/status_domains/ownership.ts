/**
 * Whether DNS shows that a domain's claimant controls it, resolved for real with
 * `Deno.resolveDns` (`DNS_NAMESERVER` points it at a given server; tests start their own).
 *
 * Two proofs count:
 * - `txt`: a TXT record `_uptime.<hostname>` holding this claim's token. It names one
 *   claim, so it decides between accounts that claim the same hostname.
 * - `points-here`: the hostname's CNAME is one of the app's hosts, or its A/AAAA addresses
 *   are the app's. That shows the domain is meant for this app but not for which account,
 *   so it counts only while no other account claims the hostname.
 */
import type { Config } from "../../lib/config.ts";
import { isLoopbackHost } from "../../lib/app_hosts.ts";

export type OwnershipProof = "txt" | "points-here";

export interface OwnershipCheck {
  proof: OwnershipProof | null;
  /** What DNS showed instead, for the user (empty when proven). */
  problems: string[];
}

/** The TXT record's name for a hostname. */
export const verificationName = (hostname: string) => `_uptime.${hostname}`;

/** The hosts a custom domain's CNAME may point at: the app's own, loopback excluded. */
export function cnameTargets(config: Config): string[] {
  const hosts = [
    ...(config.fly ? [`${config.fly.appName}.fly.dev`] : []),
    new URL(config.appUrl).hostname.toLowerCase(),
    ...config.appHosts,
  ];
  return [...new Set(hosts.filter((h) => !isLoopbackHost(h)))];
}

export async function checkOwnership(
  config: Config,
  claim: { hostname: string; verificationToken: string },
  options: { pointsHereCounts: boolean },
): Promise<OwnershipCheck> {
  const resolve = resolver(config);
  const txt = (await resolve(verificationName(claim.hostname), "TXT")) as string[][] | null;
  const values = (txt ?? []).map((chunks) => chunks.join(""));
  if (values.some((v) => v.trim() === claim.verificationToken)) {
    return { proof: "txt", problems: [] };
  }
  const problems = [
    values.length
      ? `TXT ${verificationName(claim.hostname)} holds another value than this domain's token`
      : `no TXT record ${verificationName(claim.hostname)} yet`,
  ];
  const targets = cnameTargets(config);
  const cnames = ((await resolve(claim.hostname, "CNAME")) as string[] | null ?? [])
    .map(normalise);
  let pointsHere = cnames.some((name) => targets.includes(name));
  if (!pointsHere && !cnames.length && targets.length) {
    const [own, app] = await Promise.all([
      addresses(resolve, [claim.hostname]),
      addresses(resolve, targets),
    ]);
    pointsHere = own.size > 0 && [...own].every((a) => app.has(a));
  }
  if (pointsHere && options.pointsHereCounts) return { proof: "points-here", problems: [] };
  if (pointsHere) {
    problems.push(
      `${claim.hostname} points at this app, but another account claims it too: ` +
        "only the TXT record decides between claims",
    );
  } else {
    problems.push(
      cnames.length
        ? `${claim.hostname} is a CNAME for ${cnames[0]}, not for ${targets[0] ?? "this app"}`
        : `${claim.hostname} does not point at ${targets[0] ?? "this app"} yet`,
    );
  }
  return { proof: null, problems };
}

type Resolve = (name: string, type: "TXT" | "CNAME" | "A" | "AAAA") => Promise<unknown[] | null>;

function resolver(config: Config): Resolve {
  const options: Deno.ResolveDnsOptions = {
    signal: AbortSignal.timeout(5_000),
    ...(config.dnsNameServer && { nameServer: config.dnsNameServer }),
  };
  return async (name, type) => {
    try {
      // deno-lint-ignore no-explicit-any
      return await Deno.resolveDns(name, type as any, options) as unknown[];
    } catch {
      // NXDOMAIN, no such record, or no answer: no proof either way.
      return null;
    }
  };
}

async function addresses(resolve: Resolve, names: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  await Promise.all(names.flatMap((name) =>
    (["A", "AAAA"] as const).map(async (type) => {
      for (const address of (await resolve(name, type)) ?? []) found.add(String(address));
    })
  ));
  return found;
}

const normalise = (name: string) => name.toLowerCase().replace(/\.$/, "");
