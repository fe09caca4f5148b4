/**
 * `POST /app/incidents/<id>/updates/<updateId>/delete`: an update's Delete button, without
 * JavaScript. Back on the incident's page, which says what happened: deleted, or already
 * gone (a second click, another tab).
 */
import { HttpError } from "../../../../../../fresh/mod.ts";
import { defineApp } from "../../../../../../web/define.ts";
import { seeOther } from "../../../../../../web/forms.ts";
import { pageError } from "../../../../../../web/page_errors.ts";
import {
  deleteIncidentUpdate,
  getIncident,
  incidentIdInput,
  updateIdInput,
} from "../../../../../../services/incidents/mod.ts";
import { DomainError } from "../../../../../../services/errors.ts";
import { actorOf } from "../../../../../../services/context.ts";

export const handler = defineApp.handlers({
  async POST(ctx) {
    const incident = incidentIdInput.safeParse({ id: ctx.params.id });
    const update = updateIdInput.safeParse({ id: ctx.params.updateId });
    if (!incident.success || !update.success) throw new HttpError(404, "Update not found");
    const actor = actorOf(ctx.state.user);
    const { services } = ctx.state;
    let notice = "update-deleted";
    try {
      await deleteIncidentUpdate(services, actor, update.data.id, incident.data.id);
    } catch (error) {
      if (!(error instanceof DomainError && error.code === "NOT_FOUND")) throw pageError(error);
      // Gone already, if the incident is the actor's; otherwise not found at all.
      await getIncident(services, actor, incident.data.id).catch((error) => {
        throw pageError(error);
      });
      notice = "update-gone";
    }
    return seeOther(`/app/incidents/${incident.data.id}?notice=${notice}#updates`);
  },
});
