import { page } from "../../../../fresh/mod.ts";
import { defineApp as define } from "../../../../web/define.ts";
import { seeOther } from "../../../../web/forms.ts";
import { loadChannel } from "../../../../web/notification_pages.ts";
import { deleteChannel } from "../../../../services/notifications/delete.ts";
import { ConfirmPage } from "../../../../components/confirm_page.tsx";
import { actorOf } from "../../../../services/context.ts";

export const handler = define.handlers<{ id: string; name: string }>({
  async GET(ctx) {
    const row = await loadChannel(ctx);
    ctx.state.title = `Delete ${row.name}?`;
    return page({ id: row.id, name: row.name });
  },
  async POST(ctx) {
    const row = await loadChannel(ctx);
    await deleteChannel(ctx.state.services, actorOf(ctx.state.user), row.id);
    return seeOther("/app/notifications?notice=deleted");
  },
});

export default define.page<typeof handler>(({ data }) => (
  <ConfirmPage
    copy={{
      title: `Delete ${data.name}?`,
      explanation:
        "Alerts stop going to this channel, monitors that named it stop naming it, and its delivery record is removed. This cannot be undone.",
      button: "Delete channel",
      variant: "danger",
    }}
    action={`/app/notifications/${data.id}/delete`}
    cancelHref={`/app/notifications/${data.id}`}
  />
));
