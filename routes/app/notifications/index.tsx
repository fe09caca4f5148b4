import { page } from "../../../fresh/mod.ts";
import { defineApp as define } from "../../../web/define.ts";
import { channelsOverview } from "../../../services/notifications/overview.ts";
import type { ChannelOverview } from "../../../services/notifications/overview.ts";
import { kindLabel, KINDS, providers } from "../../../services/notifications/providers/mod.ts";
import { Button, Card, EmptyState, LINK, Notice, PageHeader } from "../../../components/ui.tsx";
import { DeliveryStatus } from "../../../components/notifications/delivery_status.tsx";
import { actorOf } from "../../../services/context.ts";

interface Data {
  channels: ChannelOverview[];
  notice: string | null;
  unavailable: Record<string, string>;
}

const NOTICES: Record<string, string> = { deleted: "Channel deleted." };

export const handler = define.handlers<Data>({
  async GET(ctx) {
    ctx.state.title = "Notifications";
    const { services } = ctx.state;
    const unavailable: Record<string, string> = {};
    for (const kind of KINDS) {
      const reason = providers[kind].unavailable?.(services.config.notifications);
      if (reason) unavailable[kind] = reason;
    }
    return page({
      channels: await channelsOverview(services, actorOf(ctx.state.user)),
      notice: NOTICES[ctx.url.searchParams.get("notice") ?? ""] ?? null,
      unavailable,
    });
  },
});

export default define.page<typeof handler>(({ data, state }) => (
  <div class="space-y-8">
    <PageHeader
      title="Notifications"
      description="Where alerts go when a monitor goes down, when it recovers, and when its TLS certificate nears its end. Every monitor alerts every channel unless its settings name fewer."
    />
    {data.notice && <Notice kind="success">{data.notice}</Notice>}

    <section aria-labelledby="channels-heading" class="space-y-3">
      <h2 id="channels-heading" class="text-lg font-semibold">Channels</h2>
      {data.channels.length === 0
        ? (
          <EmptyState title="No channels yet">
            Add one below; alerts about your monitors start going there at once.
          </EmptyState>
        )
        : (
          <ul class="space-y-3">
            {data.channels.map((channel) => (
              <li>
                <Card class="flex flex-wrap items-center justify-between gap-4 p-4">
                  <div class="min-w-0">
                    <a href={`/app/notifications/${channel.id}`} class={`break-words ${LINK}`}>
                      {channel.name}
                    </a>
                    <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
                      {kindLabel(channel.kind)}
                      {" · "}
                      {channel.lastDelivery
                        ? <DeliveryStatus status={channel.lastDelivery.status} />
                        : "nothing sent yet"}
                    </p>
                  </div>
                  <form method="post" action={`/app/notifications/${channel.id}/test`}>
                    <Button
                      variant="secondary"
                      aria-label={`Send test notification to ${channel.name}`}
                    >
                      Send test notification
                    </Button>
                  </form>
                </Card>
              </li>
            ))}
          </ul>
        )}
    </section>

    {!state.user?.viewer && (
      <section aria-labelledby="add-heading" class="space-y-3">
        <h2 id="add-heading" class="text-lg font-semibold">Add a channel</h2>
        <ul class="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
          {KINDS.map((kind) => (
            <li>
              {data.unavailable[kind]
                ? (
                  <div class="rounded-lg border border-slate-200 p-4 text-sm text-slate-500 dark:border-slate-700 dark:text-slate-400">
                    <span class="font-medium">{providers[kind].label}</span>
                    <span class="block">Not available: {data.unavailable[kind]}</span>
                  </div>
                )
                : (
                  <a
                    href={`/app/notifications/new?kind=${kind}`}
                    class={`block rounded-lg border border-slate-200 bg-white p-4 text-sm font-medium hover:border-emerald-600 dark:border-slate-700 dark:bg-slate-800 ${LINK}`}
                  >
                    Add {providers[kind].label}
                  </a>
                )}
            </li>
          ))}
        </ul>
      </section>
    )}
  </div>
));
