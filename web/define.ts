/** Fresh's `utils.ts`: the request state every route sees, and `define` typed with it. */
import { createDefine } from "../fresh/mod.ts";
import type { Services } from "../services/context.ts";

export interface State {
  services: Services;
}

export const define = createDefine<State>();
