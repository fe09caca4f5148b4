import type { Actor, Services } from "../context.ts";
import { loadOwnedPage, pageWebsites, type StatusPageView, toView } from "./pages.ts";

export async function getStatusPage(
  services: Services,
  actor: Actor,
  id: string,
): Promise<StatusPageView> {
  const page = await loadOwnedPage(services.readDb, actor, id);
  return toView(page, (await pageWebsites(services.readDb, [page.id])).get(page.id)!);
}
