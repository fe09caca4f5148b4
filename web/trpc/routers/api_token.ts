/** `apiToken.*`: a script's tokens, made and revoked from a browser session only. */
import {
  apiTokenIdInput,
  createApiToken,
  createApiTokenInput,
  listApiTokens,
  revokeApiToken,
} from "../../../services/users/api_tokens.ts";
import { router, sessionProcedure } from "../init.ts";

export const apiTokenRouter = router({
  /** The token itself is in this answer only. */
  create: sessionProcedure.input(createApiTokenInput)
    .mutation(({ ctx, input }) => createApiToken(ctx.services, ctx.actor, input)),
  list: sessionProcedure.query(({ ctx }) => listApiTokens(ctx.services, ctx.actor)),
  revoke: sessionProcedure.input(apiTokenIdInput)
    .mutation(({ ctx, input }) => revokeApiToken(ctx.services, ctx.actor, input.id)),
});
