import { defineApp as define } from "../../../../web/define.ts";
import { MonitorFormPage } from "../../../../components/monitor_form_page.tsx";
import { monitorFormHandlers, type MonitorFormPageData } from "../../../../web/monitor_pages.ts";

export const handler = define.handlers<MonitorFormPageData>(monitorFormHandlers(true));

export default define.page<typeof handler>(({ data }) => <MonitorFormPage data={data} />);
