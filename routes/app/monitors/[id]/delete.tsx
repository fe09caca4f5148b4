import { defineApp as define } from "../../../../web/define.ts";
import { monitorActionHandlers } from "../../../../web/monitor_action_route.ts";
import { ConfirmPage } from "../../../../components/confirm_page.tsx";

export const handler = monitorActionHandlers("delete");

export default define.page<typeof handler>(({ data }) => (
  <ConfirmPage
    copy={data.copy}
    action={`/app/monitors/${data.id}/delete`}
    cancelHref={`/app/monitors/${data.id}`}
  />
));
