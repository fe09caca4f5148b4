import { define } from "../web/define.ts";
import { logout } from "../services/users/accounts.ts";
import { seeOther } from "../web/forms.ts";
import { clearedSessionCookie, isSecureRequest, readSessionCookie } from "../web/trpc/cookies.ts";

export const handler = define.handlers({
  async POST(ctx) {
    await logout(ctx.state.services, readSessionCookie(ctx.req));
    return seeOther("/login", { "set-cookie": clearedSessionCookie(isSecureRequest(ctx.req)) });
  },
});
