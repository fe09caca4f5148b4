/** `notification.*`: a thin adapter over services/notifications; every procedure needs a session. */
import {
  channelIdInput,
  createChannel,
  createChannelInput,
  deleteChannel,
  listChannels,
  listDeliveries,
  testChannel,
  updateChannel,
  updateChannelInput,
} from "../../../services/notifications/mod.ts";
import { authedProcedure, router } from "../init.ts";

export const notificationRouter = router({
  create: authedProcedure.input(createChannelInput)
    .mutation(({ ctx, input }) => createChannel(ctx.services, ctx.actor, input)),
  list: authedProcedure.query(({ ctx }) => listChannels(ctx.services, ctx.actor)),
  update: authedProcedure.input(updateChannelInput)
    .mutation(({ ctx, input }) => updateChannel(ctx.services, ctx.actor, input)),
  delete: authedProcedure.input(channelIdInput)
    .mutation(({ ctx, input }) => deleteChannel(ctx.services, ctx.actor, input.id)),
  test: authedProcedure.input(channelIdInput)
    .mutation(({ ctx, input }) => testChannel(ctx.services, ctx.actor, input.id)),
  deliveries: authedProcedure.input(channelIdInput)
    .query(({ ctx, input }) => listDeliveries(ctx.services, ctx.actor, input.id)),
});
