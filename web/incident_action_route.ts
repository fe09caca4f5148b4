/** The POST handlers of `/app/incidents/<id>/{acknowledge,resolve}`: the dashboard's buttons, without JavaScript. */
import { HttpError } from "../fresh/mod.ts";
import { defineApp } from "./define.ts";
import { readForm, safeNext, seeOther } from "./forms.ts";
import { pageError } from "./page_errors.ts";
import { incidentIdInput } from "../services/incidents/mod.ts";
import type { Actor, Services } from "../services/context.ts";

type IncidentAction = (services: Services, actor: Actor, id: string) => Promise<unknown>;

/** What the page the button returns to says it did (`?notice=`). */
export const INCIDENT_NOTICES: Record<string, string> = {
  "incident-acknowledged": "Incident acknowledged. It shows who acknowledged it and when.",
  "incident-resolved": "Incident resolved. Its channels are told you resolved it.",
};

export function incidentActionHandlers(
  act: IncidentAction,
  notice: "incident-acknowledged" | "incident-resolved",
) {
  return defineApp.handlers({
    async POST(ctx) {
      const id = incidentIdInput.safeParse({ id: ctx.params.id });
      if (!id.success) throw new HttpError(404, "Incident not found");
      const form = await readForm(ctx.req);
      await act(ctx.state.services, { userId: ctx.state.user.id }, id.data.id).catch((error) => {
        throw pageError(error);
      });
      // Back where the button was, saying what it did.
      const back = new URL(safeNext(form.get("next"), "/app/incidents"), "http://back");
      back.searchParams.set("notice", notice);
      return seeOther(`${back.pathname}${back.search}${back.hash}`);
    },
  });
}
