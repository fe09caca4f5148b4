/** Input schemas of the incident procedures. */
import { z } from "zod";

export const incidentIdInput = z.strictObject({
  id: z.uuid({ error: "id: not a valid incident id" }),
});

export const listIncidentsInput = z.strictObject({
  websiteId: z.uuid({ error: "websiteId: not a valid website id" }).optional(),
  cursor: z.string({ error: "cursor: expected a string" }).max(200, "cursor: not a valid cursor")
    .optional(),
}).optional();

export type ListIncidentsInput = z.output<typeof listIncidentsInput>;
