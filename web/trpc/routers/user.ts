import {
  login,
  loginInput,
  logout,
  signup,
  signupInput,
} from "../../../services/users/accounts.ts";
import { authedProcedure, publicProcedure, router } from "../init.ts";
import { clearedSessionCookie, sessionCookie } from "../cookies.ts";

export const userRouter = router({
  signup: publicProcedure.input(signupInput).mutation(async ({ ctx, input }) => {
    const { user, token } = await signup(ctx.services, input, ctx.ip);
    ctx.resHeaders.append("Set-Cookie", sessionCookie(token, ctx.secure));
    return user;
  }),
  login: publicProcedure.input(loginInput).mutation(async ({ ctx, input }) => {
    const { user, token } = await login(ctx.services, input, ctx.ip);
    await logout(ctx.services, ctx.sessionToken); // a new token at every login
    ctx.resHeaders.append("Set-Cookie", sessionCookie(token, ctx.secure));
    return user;
  }),
  logout: publicProcedure.mutation(async ({ ctx }) => {
    await logout(ctx.services, ctx.sessionToken);
    ctx.resHeaders.append("Set-Cookie", clearedSessionCookie(ctx.secure));
    return { ok: true };
  }),
  me: authedProcedure.query(({ ctx }) => {
    const { id, email, name, accountId } = ctx.user;
    return { id, email, name, accountId };
  }),
});
