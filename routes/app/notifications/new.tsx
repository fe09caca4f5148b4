import { HttpError, page } from "../../../fresh/mod.ts";
import { defineApp as define } from "../../../web/define.ts";
import { readForm, seeOther } from "../../../web/forms.ts";
import { flashSecret } from "../../../web/secret_flash.ts";
import { channelErrors, kindOf, readChannelForm } from "../../../web/notification_pages.ts";
import { createChannel } from "../../../services/notifications/create.ts";
import { createChannelInput } from "../../../services/notifications/input.ts";
import type { ChannelKind } from "../../../services/notifications/providers/mod.ts";
import { providers } from "../../../services/notifications/providers/mod.ts";
import { Card, LinkButton, Notice, PageHeader } from "../../../components/ui.tsx";
import { ChannelForm } from "../../../components/notifications/channel_form.tsx";
import { actorOf } from "../../../services/context.ts";

type Data =
  | {
    kind: ChannelKind;
    name: string;
    values: Record<string, string>;
    errors: Record<string, string>;
  }
  | { kind: ChannelKind; unavailable: string };

export const handler = define.handlers<Data>({
  GET(ctx) {
    const kind = kindOf(ctx.url.searchParams.get("kind"));
    if (!kind) return seeOther("/app/notifications#add-heading");
    ctx.state.title = `Add ${providers[kind].label} channel`;
    // A form that cannot be saved here would only fail once filled in.
    const unavailable = providers[kind].unavailable?.(ctx.state.services.config.notifications);
    if (unavailable) return page({ kind, unavailable });
    return page({ kind, name: providers[kind].label, values: {}, errors: {} });
  },
  async POST(ctx) {
    const form = await readForm(ctx.req);
    const kind = kindOf(form.get("kind"));
    if (!kind) throw new HttpError(400, "Choose a kind of channel");
    ctx.state.title = `Add ${providers[kind].label} channel`;
    const { name, config } = readChannelForm(form, kind);
    try {
      const channel = await createChannel(
        ctx.state.services,
        actorOf(ctx.state.user),
        createChannelInput.parse({ kind, name, config }),
      );
      const path = `/app/notifications/${channel.id}`;
      // A generated signing secret is shown this once, on the channel's page.
      const flash: HeadersInit = kind === "webhook" && !config.secret
        ? { "set-cookie": flashSecret(ctx.req, path, String(channel.config.secret)) }
        : {};
      return seeOther(`${path}?notice=created`, flash);
    } catch (error) {
      const errors = channelErrors(error);
      if (!errors) throw error;
      return page({ kind, name, values: config, errors }, { status: 400 });
    }
  },
});

export default define.page<typeof handler>(({ data }) => {
  const label = providers[data.kind].label;
  if ("unavailable" in data) {
    return (
      <div class="max-w-2xl space-y-4">
        <PageHeader title={`Add ${label} channel`} />
        <Notice kind="warning">Not available: {data.unavailable}.</Notice>
        <LinkButton href="/app/notifications" variant="secondary">
          Back to notifications
        </LinkButton>
      </div>
    );
  }
  return (
    <div class="max-w-2xl">
      <PageHeader title={`Add ${label} channel`} />
      <Card class="p-6">
        <ChannelForm
          kind={data.kind}
          action="/app/notifications/new"
          submitLabel="Add channel"
          cancelHref="/app/notifications"
          name={data.name}
          values={data.values}
          errors={data.errors}
          editing={false}
        />
      </Card>
    </div>
  );
});
