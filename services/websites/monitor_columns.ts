/**
 * The website columns a monitor is listed with, on the dashboard and on a public status
 * page: what names it and what its current status is computed from (its regions, whether
 * it is paused, its interval). A column the status comes to depend on is added here, once.
 */
import { websites } from "../../db/postgres/schema.ts";

export const monitorColumns = {
  id: websites.id,
  name: websites.name,
  url: websites.url,
  regions: websites.regions,
  active: websites.active,
  intervalSeconds: websites.intervalSeconds,
};
