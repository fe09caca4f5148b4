/** The client's address: Fly's proxy names it in Fly-Client-IP; elsewhere the socket does. */
export function clientIp(req: Request, info: Deno.ServeHandlerInfo | undefined): string {
  if (Deno.env.get("FLY_APP_NAME")) {
    const fly = req.headers.get("fly-client-ip");
    if (fly) return fly;
  }
  const addr = info?.remoteAddr as Deno.NetAddr | undefined;
  return addr?.hostname ?? "unknown";
}
