/** `maintenance.*`: a thin adapter over services/maintenance; every procedure needs a session. */
import { createMaintenance } from "../../../services/maintenance/create.ts";
import { deleteMaintenance } from "../../../services/maintenance/delete.ts";
import { cancelRestOfSeries } from "../../../services/maintenance/cancel_rest.ts";
import { endMaintenance } from "../../../services/maintenance/end.ts";
import {
  createMaintenanceInput,
  maintenanceIdInput,
  updateMaintenanceInput,
} from "../../../services/maintenance/input.ts";
import { listMaintenances } from "../../../services/maintenance/list.ts";
import { updateMaintenance } from "../../../services/maintenance/update.ts";
import { authedProcedure, router } from "../init.ts";

export const maintenanceRouter = router({
  create: authedProcedure.input(createMaintenanceInput)
    .mutation(({ ctx, input }) => createMaintenance(ctx.services, ctx.actor, input)),
  /** Changes a window that has not ended; one in progress keeps its start. */
  update: authedProcedure.input(updateMaintenanceInput)
    .mutation(({ ctx, input }) => updateMaintenance(ctx.services, ctx.actor, input)),
  list: authedProcedure.query(({ ctx }) => listMaintenances(ctx.services, ctx.actor)),
  /** Ends a window in progress now. */
  end: authedProcedure.input(maintenanceIdInput)
    .mutation(({ ctx, input }) => endMaintenance(ctx.services, ctx.actor, input.id)),
  delete: authedProcedure.input(maintenanceIdInput)
    .mutation(({ ctx, input }) => deleteMaintenance(ctx.services, ctx.actor, input.id)),
  /** Of a repeating window: this one and the later ones that have not started. */
  cancelRest: authedProcedure.input(maintenanceIdInput)
    .mutation(({ ctx, input }) => cancelRestOfSeries(ctx.services, ctx.actor, input.id)),
});
