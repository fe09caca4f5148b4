/** `incident.*`: a thin adapter over services/incidents; every procedure needs a session. */
import {
  acknowledgeIncident,
  deleteIncidentUpdate,
  escalateIncidentNow,
  getIncident,
  incidentDetail,
  incidentDetailInput,
  incidentIdInput,
  listIncidents,
  listIncidentsInput,
  postIncidentUpdate,
  postUpdateInput,
  resolveIncident,
  updateIdInput,
} from "../../../services/incidents/mod.ts";
import { authedProcedure, router } from "../init.ts";

export const incidentRouter = router({
  list: authedProcedure.input(listIncidentsInput)
    .query(({ ctx, input }) => listIncidents(ctx.services, ctx.actor, input)),
  get: authedProcedure.input(incidentIdInput)
    .query(({ ctx, input }) => getIncident(ctx.services, ctx.actor, input.id)),
  /** The incident with each region's checks during it, its failed checks and its alerts. */
  detail: authedProcedure.input(incidentDetailInput)
    .query(({ ctx, input }) => incidentDetail(ctx.services, ctx.actor, input)),
  acknowledge: authedProcedure.input(incidentIdInput)
    .mutation(({ ctx, input }) => acknowledgeIncident(ctx.services, ctx.actor, input.id)),
  resolve: authedProcedure.input(incidentIdInput)
    .mutation(({ ctx, input }) => resolveIncident(ctx.services, ctx.actor, input.id)),
  /** Alerts the monitor's escalation channels now, before its escalation time. */
  escalate: authedProcedure.input(incidentIdInput)
    .mutation(({ ctx, input }) => escalateIncidentNow(ctx.services, ctx.actor, input.id)),
  /** Tells customers, on the monitor's status pages, what is going on. */
  postUpdate: authedProcedure.input(postUpdateInput)
    .mutation(({ ctx, input }) => postIncidentUpdate(ctx.services, ctx.actor, input)),
  deleteUpdate: authedProcedure.input(updateIdInput)
    .mutation(({ ctx, input }) => deleteIncidentUpdate(ctx.services, ctx.actor, input.id)),
});
