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

export const UPDATE_STATUSES = ["investigating", "identified", "monitoring", "update"] as const;
export const MAX_UPDATE_MESSAGE = 5_000;

export const postUpdateInput = z.strictObject({
  incidentId: z.uuid({ error: "incidentId: not a valid incident id" }),
  status: z.enum(UPDATE_STATUSES, {
    error: `status: expected one of ${UPDATE_STATUSES.join(", ")}`,
  }),
  message: z.string({ error: "message: expected text" }).trim()
    .min(1, "message: required")
    .max(MAX_UPDATE_MESSAGE, `message: at most ${MAX_UPDATE_MESSAGE} characters`)
    .refine((text) => !text.includes("\0"), "message: must not contain NUL characters"),
});

export const updateIdInput = z.strictObject({
  id: z.uuid({ error: "id: not a valid update id" }),
});

export type PostUpdateInput = z.output<typeof postUpdateInput>;
