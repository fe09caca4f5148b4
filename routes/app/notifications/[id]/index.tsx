import { page } from "../../../../fresh/mod.ts";
import { defineApp as define } from "../../../../web/define.ts";
import { loadChannel } from "../../../../web/notification_pages.ts";
import { type Delivery, listDeliveries } from "../../../../services/notifications/deliveries.ts";
import { type Channel, readSettings, toChannel } from "../../../../services/notifications/store.ts";
import {
  type ChannelKind,
  kindLabel,
  providers,
} from "../../../../services/notifications/providers/mod.ts";
import { Button, Card, LinkButton, Notice, PageHeader } from "../../../../components/ui.tsx";
import { Time } from "../../../../components/time.tsx";
import { DeliveryStatus } from "../../../../components/notifications/delivery_status.tsx";
import { takeSecret } from "../../../../web/secret_flash.ts";
import CopyButton from "../../../../islands/CopyButton.tsx";
import { actorOf } from "../../../../services/context.ts";

interface Data {
  channel: Channel;
  deliveries: Delivery[];
  notice: { kind: "success" | "error"; text: string } | null;
  /** A webhook's generated signing secret, on the page its creation leads to: shown once. */
  secret: string | null;
  /** Why its settings cannot be read (sealed under a key no longer listed), or null. */
  unreadable: string | null;
}

function noticeFor(value: string | null, latest: Delivery | undefined): Data["notice"] {
  if (value === "created") return { kind: "success", text: "Channel added." };
  if (value === "saved") return { kind: "success", text: "Changes saved." };
  if (value === "tested") {
    return latest?.type === "test" && latest.status === "delivered"
      ? { kind: "success", text: "Test notification sent." }
      : {
        kind: "error",
        text: `The test notification failed: ${latest?.error ?? "unknown error"}`,
      };
  }
  return null;
}

export const handler = define.handlers<Data>({
  async GET(ctx) {
    const row = await loadChannel(ctx);
    ctx.state.title = row.name;
    const deliveries = await listDeliveries(ctx.state.services, actorOf(ctx.state.user), row.id);
    const flash = takeSecret(ctx.req, `/app/notifications/${row.id}`);
    const keys = ctx.state.services.config.secretKeys;
    return page({
      channel: toChannel(row, keys),
      unreadable: readSettings(row, keys).problem,
      deliveries,
      notice: noticeFor(ctx.url.searchParams.get("notice"), deliveries[0]),
      secret: flash?.secret ?? null,
    }, flash ? { headers: { "set-cookie": flash.clear } } : undefined);
  },
});

export default define.page<typeof handler>(({ data }) => {
  const { channel } = data;
  const fields = providers[channel.kind as ChannelKind]?.fields ?? [];
  return (
    <div class="space-y-6">
      <PageHeader
        title={channel.name}
        description={`${kindLabel(channel.kind)} channel`}
        actions={
          <>
            <form method="post" action={`/app/notifications/${channel.id}/test`}>
              <Button variant="secondary">Send test notification</Button>
            </form>
            <LinkButton href={`/app/notifications/${channel.id}/edit`} variant="secondary">
              Edit
            </LinkButton>
            <LinkButton href={`/app/notifications/${channel.id}/delete`} variant="danger">
              Delete
            </LinkButton>
          </>
        }
      />
      {data.notice && <Notice kind={data.notice.kind}>{data.notice.text}</Notice>}
      {data.unreadable && (
        <Notice kind="error">
          {data.unreadable}. Its alerts fail until that key is listed in SECRETS_KEY again; or
          delete the channel and add it again.
        </Notice>
      )}
      {data.secret && (
        <Notice kind="warning">
          <p>
            Your webhook's signing secret, shown only now. Copy it to verify X-Uptime-Signature:
          </p>
          <p class="mt-2 flex flex-wrap items-center gap-3">
            <span class="break-all font-mono" data-testid="webhook-secret">{data.secret}</span>
            <CopyButton text={data.secret} label="webhook signing secret" />
          </p>
        </Notice>
      )}

      <Card title="Settings" class="p-6">
        <h2 class="text-lg font-semibold">Settings</h2>
        <dl class="mt-4 grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[12rem_1fr]">
          {fields.map((field) => (
            <>
              <dt class="font-medium text-slate-600 dark:text-slate-400">{field.label}</dt>
              <dd class="break-all">{String(channel.config[field.name] ?? "—")}</dd>
            </>
          ))}
        </dl>
      </Card>

      <Card title="Deliveries" class="p-4 sm:p-6">
        <h2 class="text-lg font-semibold">Last 50 deliveries</h2>
        {data.deliveries.length === 0
          ? <p class="mt-2 text-sm text-slate-600 dark:text-slate-400">Nothing sent yet.</p>
          : (
            <div class="mt-4 overflow-x-auto">
              <table class="w-full text-left text-sm">
                <thead class="text-slate-600 dark:text-slate-400">
                  <tr>
                    <th scope="col" class="py-2 pr-4 font-medium">When</th>
                    <th scope="col" class="py-2 pr-4 font-medium">Message</th>
                    <th scope="col" class="py-2 pr-4 font-medium">Status</th>
                    <th scope="col" class="hidden py-2 pr-4 font-medium sm:table-cell">
                      Attempts
                    </th>
                    <th scope="col" class="hidden py-2 font-medium sm:table-cell">Error</th>
                  </tr>
                </thead>
                <tbody>
                  {data.deliveries.map((delivery) => (
                    <tr class="border-t border-slate-200 align-top dark:border-slate-700">
                      <td class="py-2 pr-4 sm:whitespace-nowrap">
                        <Time at={delivery.createdAt} />
                      </td>
                      <td class="py-2 pr-4">
                        <span class="font-medium">{delivery.label}</span>
                        {delivery.title && <span class="block break-words">{delivery.title}</span>}
                      </td>
                      <td class="py-2 pr-4">
                        <span class="whitespace-nowrap">
                          <DeliveryStatus status={delivery.status} attempts={delivery.attempts} />
                        </span>
                        {/* Narrow screens: attempts and error here, not in columns of their own. */}
                        <span class="block text-xs text-slate-600 sm:hidden dark:text-slate-400">
                          {delivery.attempts} attempt{delivery.attempts === 1 ? "" : "s"}
                        </span>
                        {delivery.error && (
                          <span class="block max-w-[12rem] break-words text-xs sm:hidden">
                            {delivery.error}
                          </span>
                        )}
                      </td>
                      <td class="hidden py-2 pr-4 sm:table-cell">{delivery.attempts}</td>
                      <td class="hidden break-words py-2 sm:table-cell">{delivery.error ?? ""}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
      </Card>
    </div>
  );
});
