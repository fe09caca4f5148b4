/** `apiToken.*`: a script's tokens, made and revoked from a browser session only. */
import { apiTokenIdInput, createApiTokenInput } from "../../../services/api_tokens/tokens.ts";
import { createApiToken } from "../../../services/api_tokens/create.ts";
import { listApiTokens } from "../../../services/api_tokens/list.ts";
import { revokeApiToken } from "../../../services/api_tokens/revoke.ts";
import { router, sessionProcedure } from "../init.ts";

export const apiTokenRouter = router({
  /** The token itself is in this answer only. */
  create: sessionProcedure.input(createApiTokenInput)
    .mutation(({ ctx, input }) => createApiToken(ctx.services, ctx.actor, input)),
  list: sessionProcedure.query(({ ctx }) => listApiTokens(ctx.services, ctx.actor)),
  revoke: sessionProcedure.input(apiTokenIdInput)
    .mutation(({ ctx, input }) => revokeApiToken(ctx.services, ctx.actor, input.id)),
});
