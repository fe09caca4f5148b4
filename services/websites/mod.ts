/** Website monitors: their settings in Postgres, their results from ClickHouse and Redis. */
export { createWebsite } from "./create.ts";
export { listWebsites } from "./list.ts";
export { getWebsite } from "./get.ts";
export { updateWebsite } from "./update.ts";
export { deleteWebsite } from "./delete.ts";
export { setWebsiteActive } from "./set_active.ts";
export { websiteMetrics } from "./metrics.ts";
export { websiteChecks } from "./checks.ts";
export * from "./schemas.ts";
export { displayName, type Website } from "./store.ts";
export { overviewInput, websiteOverview } from "./overview.ts";
