/** `POST /app/incidents/<id>/acknowledge`: the dashboard's Acknowledge button. */
import { incidentActionHandlers } from "../../../../web/incident_action_route.ts";
import { acknowledgeIncident } from "../../../../services/incidents/mod.ts";

export const handler = incidentActionHandlers(acknowledgeIncident, "incident-acknowledged");
