/** The client's address: Fly's proxy names it in Fly-Client-IP; elsewhere the socket does. */
export function clientIp(
  req: Request,
  info: Deno.ServeHandlerInfo | undefined,
  behindFlyProxy: boolean,
): string {
  // Only Fly's proxy may say who the client is; anywhere else the header is the client's word.
  const fly = behindFlyProxy ? req.headers.get("fly-client-ip") : null;
  if (fly) return fly;
  const addr = info?.remoteAddr as Deno.NetAddr | undefined;
  return addr?.hostname ?? "unknown";
}
