/** Incidents: outages the worker's evaluation opened and resolved, for their owner to see. */
export { listIncidents } from "./list.ts";
export { getIncident } from "./get.ts";
export { FAILURES_SHOWN, incidentDetail } from "./detail.ts";
export { acknowledgeIncident } from "./acknowledge.ts";
export { resolveIncident } from "./resolve.ts";
export { escalateIncidentNow } from "./escalations.ts";
export { publicIncidents } from "./public.ts";
export { postIncidentUpdate } from "./post_update.ts";
export { deleteIncidentUpdate } from "./delete_update.ts";
export { MAX_UPDATES, UPDATE_STATUS_WORDS, updatesOf } from "./updates.ts";
export * from "./schemas.ts";
export type { Incident } from "./store.ts";
export type { IncidentPage } from "./list.ts";
export type { IncidentAlert, IncidentDetail, RegionSpan } from "./detail.ts";
export type { PublicIncident } from "./public.ts";
export type { IncidentUpdate, UpdateStatus } from "./updates.ts";
