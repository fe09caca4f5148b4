/** `website.*`: a thin adapter over services/websites; every procedure needs a session. */
import {
  checksInput,
  createInput,
  createWebsite,
  deleteWebsite,
  getWebsite,
  idInput,
  listWebsites,
  metricsInput,
  overviewInput,
  setActiveInput,
  setWebsiteActive,
  updateInput,
  updateWebsite,
  websiteChecks,
  websiteMetrics,
  websiteOverview,
} from "../../../services/websites/mod.ts";
import { applyBulkAction, bulkInput } from "../../../services/websites/actions.ts";
import { authedProcedure, router } from "../init.ts";

export const websiteRouter = router({
  create: authedProcedure.input(createInput)
    .mutation(({ ctx, input }) => createWebsite(ctx.services, ctx.actor, input)),
  list: authedProcedure.query(({ ctx }) => listWebsites(ctx.services, ctx.actor)),
  /** The monitors table: search, status filter, sort and a page of rows with live status. */
  overview: authedProcedure.input(overviewInput)
    .query(({ ctx, input }) => websiteOverview(ctx.services, ctx.actor, input)),
  get: authedProcedure.input(idInput)
    .query(({ ctx, input }) => getWebsite(ctx.services, ctx.actor, input.id)),
  update: authedProcedure.input(updateInput)
    .mutation(({ ctx, input }) => updateWebsite(ctx.services, ctx.actor, input)),
  delete: authedProcedure.input(idInput)
    .mutation(({ ctx, input }) => deleteWebsite(ctx.services, ctx.actor, input.id)),
  setActive: authedProcedure.input(setActiveInput)
    .mutation(({ ctx, input }) => setWebsiteActive(ctx.services, ctx.actor, input)),
  /** Pause, resume or delete up to 100 monitors; says which it changed. */
  bulk: authedProcedure.input(bulkInput)
    .mutation(({ ctx, input }) => applyBulkAction(ctx.services, ctx.actor, input)),
  metrics: authedProcedure.input(metricsInput)
    .query(({ ctx, input }) => websiteMetrics(ctx.services, ctx.actor, input)),
  checks: authedProcedure.input(checksInput)
    .query(({ ctx, input }) => websiteChecks(ctx.services, ctx.actor, input)),
});
