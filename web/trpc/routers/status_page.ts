import { createStatusPage } from "../../../services/status_pages/create.ts";
import { deleteStatusPage } from "../../../services/status_pages/delete.ts";
import { getStatusPage } from "../../../services/status_pages/get.ts";
import {
  createStatusPageInput,
  pageIdInput,
  publicStatusPageInput,
  updateStatusPageInput,
} from "../../../services/status_pages/input.ts";
import { listStatusPages } from "../../../services/status_pages/list.ts";
import { viewablePublicPage } from "../../../services/status_pages/access.ts";
import { updateStatusPage } from "../../../services/status_pages/update.ts";
import { listSubscribers, removeSubscriber } from "../../../services/subscribers/list.ts";
import { subscriberIdInput } from "../../../services/subscribers/input.ts";
import { authedProcedure, publicProcedure, router } from "../init.ts";

export const statusPageRouter = router({
  create: authedProcedure.input(createStatusPageInput)
    .mutation(({ ctx, input }) => createStatusPage(ctx.services, ctx.actor, input)),
  list: authedProcedure.query(({ ctx }) => listStatusPages(ctx.services, ctx.actor)),
  get: authedProcedure.input(pageIdInput)
    .query(({ ctx, input }) => getStatusPage(ctx.services, ctx.actor, input.id)),
  update: authedProcedure.input(updateStatusPageInput)
    .mutation(({ ctx, input }) => updateStatusPage(ctx.services, ctx.actor, input)),
  delete: authedProcedure.input(pageIdInput)
    .mutation(({ ctx, input }) => deleteStatusPage(ctx.services, ctx.actor, input.id)),
  /** Its email subscribers: counts and the newest 500 addresses. */
  subscribers: authedProcedure.input(pageIdInput)
    .query(({ ctx, input }) => listSubscribers(ctx.services, ctx.actor, input.id)),
  removeSubscriber: authedProcedure.input(subscriberIdInput)
    .mutation(({ ctx, input }) => removeSubscriber(ctx.services, ctx.actor, input.id)),
  /**
   * No login: what anyone with the slug may see (the page's cache, shared with /status);
   * a private page only with its access cookie.
   */
  public: publicProcedure.input(publicStatusPageInput).query(({ ctx, input }) =>
    viewablePublicPage(ctx.services, input.slug, ctx.req.headers.get("cookie"))
  ),
});
