/** `POST /app/incidents/<id>/resolve`: the dashboard's Resolve button, without JavaScript. */
import { HttpError } from "../../../../fresh/mod.ts";
import { defineApp } from "../../../../web/define.ts";
import { readForm, safeNext, seeOther } from "../../../../web/forms.ts";
import { pageError } from "../../../../web/page_errors.ts";
import { incidentIdInput, resolveIncident } from "../../../../services/incidents/mod.ts";

export const handler = defineApp.handlers({
  async POST(ctx) {
    const id = incidentIdInput.safeParse({ id: ctx.params.id });
    if (!id.success) throw new HttpError(404, "Incident not found");
    const form = await readForm(ctx.req);
    await resolveIncident(ctx.state.services, { userId: ctx.state.user.id }, id.data.id)
      .catch((error) => {
        throw pageError(error);
      });
    return seeOther(safeNext(form.get("next"), "/app/incidents"));
  },
});
