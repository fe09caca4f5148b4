/**
 * What the notification dispatcher is told, on the Redis stream `keys.incidentEvents`,
 * read in a consumer group: one entry per incident transition (the incident evaluation),
 * one per reminder of an open incident (services/incidents/reminders.ts), one per
 * escalation of one nobody acknowledged (services/incidents/escalations.ts) and one per TLS
 * certificate nearing its end (services/certificates/). Written at least
 * once; `id` is the idempotency key, so a repeated entry never notifies twice. Timestamps
 * are epoch milliseconds.
 */
import { z } from "zod";

export const incidentEventSchema = z.object({
  /** `<incidentId>:opened` or `<incidentId>:resolved`. */
  id: z.string().max(100),
  type: z.enum(["opened", "resolved"]),
  incidentId: z.uuid(),
  websiteId: z.uuid(),
  ownerId: z.uuid(),
  /** The monitor's name, or its host when it has none. */
  websiteName: z.string().max(200),
  url: z.string().max(2048),
  failingRegions: z.array(z.string().max(64)).max(64),
  totalRegions: z.number().int().min(0),
  /** The first failure of the outage. */
  cause: z.object({
    errorKind: z.string().max(64),
    errorMessage: z.string().max(1000),
    httpStatus: z.number().int().min(0).max(999),
  }),
  startedAt: z.number().int().min(0),
  resolvedAt: z.number().int().min(0).nullable(),
  /** Who resolved it by hand (their email); null when its checks passed again. */
  resolvedBy: z.string().max(320).nullable().default(null),
  /** When the transition was decided. */
  at: z.number().int().min(0),
});
export type IncidentEvent = z.infer<typeof incidentEventSchema>;

export const incidentEventId = (incidentId: string, type: IncidentEvent["type"]) =>
  `${incidentId}:${type}`;

/**
 * An incident is still open and nobody has acknowledged it: its monitor's
 * `remind_every_minutes` passed since it opened, or since the last reminder.
 */
export const reminderEventSchema = incidentEventSchema.omit({
  type: true,
  resolvedAt: true,
  resolvedBy: true,
}).extend({
  /** `<incidentId>:reminder:<count>`. */
  type: z.literal("reminder"),
  /** 1 for the first reminder of the incident, 2 for the next. */
  count: z.number().int().min(1),
});
export type ReminderEvent = z.infer<typeof reminderEventSchema>;

export const reminderEventId = (incidentId: string, count: number) =>
  `${incidentId}:reminder:${count}`;

/**
 * Nobody acknowledged an open incident within its monitor's `escalate_after_minutes`: the
 * monitor's escalation channels are alerted, once per incident
 * (services/incidents/escalations.ts).
 */
export const escalationEventSchema = incidentEventSchema.omit({
  type: true,
  resolvedAt: true,
  resolvedBy: true,
}).extend({
  /** `<incidentId>:escalated`. */
  type: z.literal("escalated"),
  /** The monitor's `escalate_after_minutes` when it escalated. */
  afterMinutes: z.number().int().min(1),
  /** Who escalated it by hand, before that time (their email); null when the time passed. */
  escalatedBy: z.string().max(320).nullable().default(null),
});
export type EscalationEvent = z.infer<typeof escalationEventSchema>;

export const escalationEventId = (incidentId: string) => `${incidentId}:escalated`;

/** A monitor's TLS certificate entered its warning window (`certExpiryWarnDays`). */
export const certificateEventSchema = z.object({
  /** `cert:<websiteId>:<expiry day>`: one per certificate. */
  id: z.string().max(100),
  type: z.literal("certificate"),
  websiteId: z.uuid(),
  ownerId: z.uuid(),
  websiteName: z.string().max(200),
  url: z.string().max(2048),
  /** Whole days left when it was seen, as the check measured them. */
  daysLeft: z.number().int(),
  /** The day it expires, midnight UTC. */
  expiresAt: z.number().int().min(0),
  at: z.number().int().min(0),
});
export type CertificateEvent = z.infer<typeof certificateEventSchema>;

export const alertEventSchema = z.discriminatedUnion("type", [
  incidentEventSchema,
  reminderEventSchema,
  escalationEventSchema,
  certificateEventSchema,
]);
export type AlertEvent = z.infer<typeof alertEventSchema>;
