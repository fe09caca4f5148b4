/** The actor's channels with each one's latest delivery, for the dashboard's list. */
import type { Actor, Services } from "../context.ts";
import { listChannels } from "./list.ts";
import type { Channel } from "./store.ts";

export interface ChannelOverview extends Channel {
  lastDelivery: { status: string; at: number; error: string | null } | null;
}

export async function channelsOverview(
  services: Services,
  actor: Actor,
): Promise<ChannelOverview[]> {
  const channels = await listChannels(services, actor);
  if (!channels.length) return [];
  const rows = await services.readSql`
    select distinct on (channel_id) channel_id, status, updated_at, last_error
    from notification_deliveries
    where channel_id = any(${channels.map((c) => c.id)}::uuid[])
    order by channel_id, created_at desc`;
  const latest = new Map(rows.map((row) => [row.channel_id as string, row]));
  return channels.map((channel) => {
    const row = latest.get(channel.id);
    return {
      ...channel,
      lastDelivery: row
        ? {
          status: row.status,
          at: new Date(row.updated_at).getTime(),
          error: row.status === "delivered" ? null : row.last_error,
        }
        : null,
    };
  });
}
