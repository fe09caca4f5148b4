/** The API's routers; the type `AppRouter` is what the typed client in islands uses. */
import { router } from "./init.ts";
import { userRouter } from "./routers/user.ts";
import { websiteRouter } from "./routers/website.ts";
import { statusPageRouter } from "./routers/status_page.ts";
import { statusDomainRouter } from "./routers/status_domain.ts";
import { accountRouter } from "./routers/account.ts";
import { incidentRouter } from "./routers/incident.ts";
import { notificationRouter } from "./routers/notification.ts";
import { maintenanceRouter } from "./routers/maintenance.ts";
import { apiTokenRouter } from "./routers/api_token.ts";
import { teamRouter } from "./routers/team.ts";
import { reportRouter } from "./routers/report.ts";

export const appRouter = router({
  user: userRouter,
  website: websiteRouter,
  statusPage: statusPageRouter,
  statusDomain: statusDomainRouter,
  account: accountRouter,
  incident: incidentRouter,
  notification: notificationRouter,
  maintenance: maintenanceRouter,
  apiToken: apiTokenRouter,
  team: teamRouter,
  report: reportRouter,
});

export type AppRouter = typeof appRouter;
