/**
 * `team.*`: the team the caller works in. Reading it takes a session or a token; changing
 * who is in it takes a browser session (a leaked token must not invite its thief), and
 * inviting, removing and changing roles only its owner.
 */
import { z } from "zod";
import { emailSchema } from "../../../services/users/accounts.ts";
import { removeMember, setMemberRole, teamView } from "../../../services/teams/members.ts";
import { cancelInvitation, inviteMember } from "../../../services/teams/invitations.ts";
import { inviteInput, memberInput, setRoleInput, teamsOf } from "../../../services/teams/teams.ts";
import { notFound } from "../../../services/errors.ts";
import { authedProcedure, router, sessionProcedure } from "../init.ts";

export const teamRouter = router({
  /** The owner, the members and (for the owner) waiting invitations; times in epoch ms. */
  get: authedProcedure.query(({ ctx }) => teamView(ctx.services, ctx.actor)),
  /** The teams the caller is in, their own first. */
  list: authedProcedure.query(({ ctx }) => teamsOf(ctx.services.readSql, ctx.actor.userId)),
  /** The link is in this answer, and in the mail where the instance sends mail. */
  invite: sessionProcedure.input(inviteInput)
    .mutation(({ ctx, input }) => inviteMember(ctx.services, ctx.actor, input)),
  cancelInvitation: sessionProcedure.input(z.object({ email: emailSchema }))
    .mutation(async ({ ctx, input }) => {
      if (!(await cancelInvitation(ctx.services, ctx.actor, input.email))) {
        throw notFound("Invitation");
      }
      return { email: input.email };
    }),
  /** The owner makes a member a viewer (sees, changes nothing) or a member again. */
  setRole: sessionProcedure.input(setRoleInput).mutation(async ({ ctx, input }) => {
    if (!(await setMemberRole(ctx.services, ctx.actor, input))) throw notFound("Member");
    return input;
  }),
  /** The owner removes a member; a member removes themselves (leaves). */
  removeMember: sessionProcedure.input(memberInput).mutation(async ({ ctx, input }) => {
    if (!(await removeMember(ctx.services, ctx.actor, input.userId))) throw notFound("Member");
    return { userId: input.userId };
  }),
});
