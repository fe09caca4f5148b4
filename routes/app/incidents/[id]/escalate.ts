/** `POST /app/incidents/<id>/escalate`: the incident page's "Escalate now" button. */
import { incidentActionHandlers } from "../../../../web/incident_action_route.ts";
import { escalateIncidentNow } from "../../../../services/incidents/mod.ts";

export const handler = incidentActionHandlers(escalateIncidentNow, "incident-escalated");
