import { changePassword, changePasswordInput } from "../../../services/users/change_password.ts";
import { signOutEverywhere } from "../../../services/users/sign_out_everywhere.ts";
import { updateProfile, updateProfileInput } from "../../../services/users/update_profile.ts";
import { router, sessionProcedure } from "../init.ts";
import { clearedSessionCookie } from "../cookies.ts";

export const accountRouter = router({
  /** Name and email; a new email needs the current password. */
  updateProfile: sessionProcedure.input(updateProfileInput).mutation(({ ctx, input }) =>
    updateProfile(ctx.services, ctx.actor, input)
  ),
  /** Keeps this session, ends every other one. */
  changePassword: sessionProcedure.input(changePasswordInput).mutation(({ ctx, input }) =>
    changePassword(ctx.services, ctx.actor, input, ctx.sessionToken)
  ),
  /** Ends every session, this one too. */
  signOutEverywhere: sessionProcedure.mutation(async ({ ctx }) => {
    const result = await signOutEverywhere(ctx.services, ctx.actor);
    ctx.resHeaders.append("Set-Cookie", clearedSessionCookie(ctx.secure));
    return result;
  }),
});
