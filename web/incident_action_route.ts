/**
 * The POST handlers of `/app/incidents/<id>/{acknowledge,resolve,escalate}`: the dashboard's
 * buttons, without JavaScript.
 */
import { HttpError } from "../fresh/mod.ts";
import { defineApp } from "./define.ts";
import { readForm, safeNext, seeOther } from "./forms.ts";
import { pageError } from "./page_errors.ts";
import { getIncident, incidentIdInput } from "../services/incidents/mod.ts";
import { type Actor, actorOf, type Services } from "../services/context.ts";

type IncidentAction = (services: Services, actor: Actor, id: string) => Promise<unknown>;

/** What the page the button returns to says it did (`?notice=`). */
export const INCIDENT_NOTICES: Record<string, string> = {
  "incident-acknowledged": "Incident acknowledged. It shows who acknowledged it and when.",
  "incident-resolved": "Incident resolved. Its channels are told you resolved it.",
  "incident-escalated": "Incident escalated. Its escalation channels are being alerted.",
  "incident-ended": "This incident had already ended, so nothing changed.",
  "update-posted": "Update posted. The status pages of this monitor show it.",
  "update-deleted": "Update deleted. The status pages no longer show it.",
  "update-gone": "That update had already been deleted.",
};

export function incidentActionHandlers(
  act: IncidentAction,
  notice: "incident-acknowledged" | "incident-resolved" | "incident-escalated",
) {
  return defineApp.handlers({
    async POST(ctx) {
      const id = incidentIdInput.safeParse({ id: ctx.params.id });
      if (!id.success) throw new HttpError(404, "Incident not found");
      const form = await readForm(ctx.req);
      const actor = actorOf(ctx.state.user);
      // A button on a page left open may be about an incident that has ended since.
      const ended = await getIncident(ctx.state.services, actor, id.data.id)
        .then((incident) => incident.resolvedAt !== null)
        .catch((error) => {
          throw pageError(error);
        });
      if (!ended) {
        await act(ctx.state.services, actor, id.data.id).catch((error) => {
          throw pageError(error);
        });
      }
      // Back where the button was, saying what it did.
      const back = new URL(safeNext(form.get("next"), "/app/incidents"), "http://back");
      back.searchParams.set("notice", ended ? "incident-ended" : notice);
      return seeOther(`${back.pathname}${back.search}${back.hash}`);
    },
  });
}
