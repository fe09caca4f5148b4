/**
 * The client's address, for rate limits and connection caps. A proxy's headers are
 * believed only from a peer in TRUSTED_PROXIES: otherwise any client could name itself
 * anyone (and escape every limit), and without the setting every user behind a reverse
 * proxy would share the proxy's address. From a trusted peer, Fly-Client-IP wins (Fly's
 * proxy sets it); else X-Forwarded-For is read from the right, skipping trusted hops
 * (proxy-addr, as Express does).
 */
// @ts-types="@types/proxy-addr"
import proxyaddr from "proxy-addr";

type Trust = (address: string, hop: number) => boolean;

const compiled = new Map<string, Trust>();

/** `trustedProxies`: TRUSTED_PROXIES entries, validated by lib/config.ts. */
export function clientIp(
  req: Request,
  info: Deno.ServeHandlerInfo | undefined,
  trustedProxies: readonly string[],
): string {
  const key = trustedProxies.join(",");
  let trusted = compiled.get(key);
  if (!trusted) compiled.set(key, trusted = proxyaddr.compile([...trustedProxies]));
  const peer = (info?.remoteAddr as Deno.NetAddr | undefined)?.hostname ?? "unknown";
  if (peer === "unknown" || !trusted(peer, 0)) return peer;
  const fly = req.headers.get("fly-client-ip")?.trim();
  if (fly) return fly;
  const forwarded = req.headers.get("x-forwarded-for") ?? undefined;
  return proxyaddr(
    {
      headers: { "x-forwarded-for": forwarded },
      connection: { remoteAddress: peer },
    } as unknown as Parameters<typeof proxyaddr>[0],
    trusted,
  );
}
