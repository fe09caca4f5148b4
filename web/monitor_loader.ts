/**
 * The signed-in user's monitor named by the route's `[id]` (or by `id`), or the 404 page.
 */
import { type Context, HttpError } from "../fresh/mod.ts";
import { getWebsite } from "../services/websites/get.ts";
import type { Website } from "../services/websites/store.ts";
import { DomainError } from "../services/errors.ts";
import type { SignedInState } from "./define.ts";
import { actorOf } from "../services/context.ts";

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function loadMonitor(
  ctx: Context<SignedInState>,
  id = ctx.params.id ?? "",
): Promise<Website> {
  if (!UUID.test(id)) throw new HttpError(404);
  try {
    return await getWebsite(ctx.state.services, actorOf(ctx.state.user), id);
  } catch (error) {
    if (error instanceof DomainError && error.code === "NOT_FOUND") throw new HttpError(404);
    throw error;
  }
}
