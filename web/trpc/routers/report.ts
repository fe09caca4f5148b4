/** `report.*`: a thin adapter over services/reports; a query, so read-only tokens may call it. */
import { availabilityInput } from "../../../services/reports/schemas.ts";
import { availabilityReport } from "../../../services/reports/availability.ts";
import { authedProcedure, router } from "../init.ts";

export const reportRouter = router({
  /** Every monitor's uptime, incidents and response times over a period of days in a time zone. */
  availability: authedProcedure.input(availabilityInput)
    .query(({ ctx, input }) => availabilityReport(ctx.services, ctx.actor, input)),
});
