/** A channel's last 50 deliveries, newest first: what was sent, how it went, how often it was tried. */
import { desc, eq } from "drizzle-orm";
import { notificationDeliveries } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import { alertEventSchema } from "../../lib/incident_event.ts";
import { alertMessage, type Message } from "./message.ts";
import { ownedChannel } from "./store.ts";

export const DELIVERIES_SHOWN = 50;

export interface Delivery {
  id: string;
  /** The idempotency key: `<incidentId>:opened|resolved|reminder:<n>`, `cert:…` or `test:<uuid>`. */
  eventId: string;
  type: Message["type"];
  /**
   * `pending` (first try or a retry ahead), `delivered`, `failed` (given up), or `skipped`
   * (a reminder whose incident was acknowledged or ended before it went out).
   */
  status: "pending" | "delivered" | "failed" | "skipped";
  attempts: number;
  /** The last attempt's error; null once delivered. */
  error: string | null;
  /** Epoch milliseconds. */
  createdAt: number;
  /** The last change: an attempt, or the delivery. */
  updatedAt: number;
  deliveredAt: number | null;
  /** When a pending delivery is tried next. */
  nextAttemptAt: number | null;
  /** What kind of message: "Down", "Reminder", "Recovered", "Resolved" (by hand), "Certificate", "Test". */
  label: string;
  /** The message's title, e.g. "Shop is down". */
  title: string;
}

export async function listDeliveries(
  services: Services,
  actor: Actor,
  channelId: string,
): Promise<Delivery[]> {
  await ownedChannel(services.readDb, actor, channelId);
  const rows = await services.readDb.select().from(notificationDeliveries)
    .where(eq(notificationDeliveries.channelId, channelId))
    .orderBy(desc(notificationDeliveries.createdAt), desc(notificationDeliveries.id))
    .limit(DELIVERIES_SHOWN);
  return rows.map((row) => ({
    id: row.id,
    eventId: row.eventId,
    type: row.eventType as Delivery["type"],
    status: row.status as Delivery["status"],
    attempts: row.attempts,
    error: row.status === "delivered" ? null : row.lastError,
    createdAt: row.createdAt.getTime(),
    updatedAt: row.updatedAt.getTime(),
    deliveredAt: row.deliveredAt?.getTime() ?? null,
    nextAttemptAt: row.status === "pending" ? row.nextAttemptAt.getTime() : null,
    ...describe(row.eventType, row.event, services.config.appUrl),
  }));
}

const LABELS: Record<string, string> = {
  opened: "Down",
  reminder: "Reminder",
  escalated: "Escalation",
  resolved: "Recovered",
  certificate: "Certificate",
  test: "Test",
};

function describe(type: string, event: unknown, appUrl: string) {
  if (type === "test") return { label: LABELS.test, title: "Test notification" };
  const parsed = alertEventSchema.safeParse(event);
  if (!parsed.success) return { label: LABELS[type] ?? type, title: "" };
  // Resolved by a person, the site may well still be down.
  const byHand = parsed.data.type === "resolved" && parsed.data.resolvedBy !== null;
  return {
    label: byHand ? "Resolved" : LABELS[type] ?? type,
    title: alertMessage(parsed.data, appUrl).title,
  };
}
