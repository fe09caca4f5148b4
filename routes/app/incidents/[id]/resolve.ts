/** `POST /app/incidents/<id>/resolve`: the dashboard's Resolve button. */
import { incidentActionHandlers } from "../../../../web/incident_action_route.ts";
import { resolveIncident } from "../../../../services/incidents/mod.ts";

export const handler = incidentActionHandlers(resolveIncident, "incident-resolved");
