import { page } from "../../../../fresh/mod.ts";
import { defineApp as define } from "../../../../web/define.ts";
import { readForm, seeOther } from "../../../../web/forms.ts";
import { channelErrors, loadChannel, readChannelForm } from "../../../../web/notification_pages.ts";
import { updateChannel } from "../../../../services/notifications/update.ts";
import { updateChannelInput } from "../../../../services/notifications/input.ts";
import { toChannel } from "../../../../services/notifications/store.ts";
import { type ChannelKind, kindLabel } from "../../../../services/notifications/providers/mod.ts";
import { Card, PageHeader } from "../../../../components/ui.tsx";
import { ChannelForm } from "../../../../components/notifications/channel_form.tsx";
import { actorOf } from "../../../../services/context.ts";

interface Data {
  id: string;
  kind: ChannelKind;
  name: string;
  values: Record<string, string>;
  errors: Record<string, string>;
}

const asStrings = (config: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(config).map(([k, v]) => [k, String(v ?? "")]));

export const handler = define.handlers<Data>({
  async GET(ctx) {
    const row = await loadChannel(ctx);
    ctx.state.title = `Edit ${row.name}`;
    return page({
      id: row.id,
      kind: row.kind as ChannelKind,
      name: row.name,
      values: asStrings(toChannel(row, ctx.state.services.config.secretKeys, true).config),
      errors: {},
    });
  },
  async POST(ctx) {
    const row = await loadChannel(ctx);
    ctx.state.title = `Edit ${row.name}`;
    const kind = row.kind as ChannelKind;
    const { name, config } = readChannelForm(await readForm(ctx.req), kind);
    try {
      await updateChannel(
        ctx.state.services,
        actorOf(ctx.state.user),
        updateChannelInput.parse({ id: row.id, name, config }),
      );
      return seeOther(`/app/notifications/${row.id}?notice=saved`);
    } catch (error) {
      const errors = channelErrors(error);
      if (!errors) throw error;
      return page({ id: row.id, kind, name, values: config, errors }, { status: 400 });
    }
  },
});

export default define.page<typeof handler>(({ data }) => (
  <div class="max-w-2xl">
    <PageHeader title={`Edit ${data.name}`} description={`${kindLabel(data.kind)} channel`} />
    <Card class="p-6">
      <ChannelForm
        kind={data.kind}
        action={`/app/notifications/${data.id}/edit`}
        submitLabel="Save changes"
        cancelHref={`/app/notifications/${data.id}`}
        name={data.name}
        values={data.values}
        errors={data.errors}
        editing
      />
    </Card>
  </div>
));
