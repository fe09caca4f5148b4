/** Input schemas of the incident procedures. */
import { z } from "zod";

export const incidentIdInput = z.strictObject({
  id: z.uuid({ error: "id: not a valid incident id" }),
});

export const incidentDetailInput = z.strictObject({
  id: incidentIdInput.shape.id,
  /** Where the failed checks go on from (`nextCursor`). */
  cursor: z.string({ error: "cursor: expected a string" }).max(200, "cursor: not a valid cursor")
    .optional(),
});

export const listIncidentsInput = z.strictObject({
  websiteId: z.uuid({ error: "websiteId: not a valid website id" }).optional(),
  cursor: z.string({ error: "cursor: expected a string" }).max(200, "cursor: not a valid cursor")
    .optional(),
}).optional();

export type ListIncidentsInput = z.output<typeof listIncidentsInput>;
export type IncidentDetailInput = z.output<typeof incidentDetailInput>;
