import { define } from "../../../web/define.ts";
import { handleTrpc } from "../../../web/trpc/handler.ts";
import { clientIp } from "../../../web/client_ip.ts";

const serve = define.handlers((ctx) =>
  handleTrpc(
    ctx.req,
    ctx.state.services,
    clientIp(ctx.req, ctx.info, ctx.state.services.config.trustedProxies),
  )
);

export const handler = serve;
