/** POST: sends a test notification now, then shows the channel with how it went. */
import { defineApp as define } from "../../../../web/define.ts";
import { seeOther } from "../../../../web/forms.ts";
import { loadChannel } from "../../../../web/notification_pages.ts";
import { testChannel } from "../../../../services/notifications/test.ts";
import { actorOf } from "../../../../services/context.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const channel = await loadChannel(ctx);
    await testChannel(ctx.state.services, actorOf(ctx.state.user), channel.id);
    return seeOther(`/app/notifications/${channel.id}?notice=tested`);
  },
});
