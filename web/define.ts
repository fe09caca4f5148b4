/** Fresh's `utils.ts`: the request state every route sees, and `define` typed with it. */
import { createDefine } from "../fresh/mod.ts";
import type { Services } from "../services/context.ts";
import type { SessionUser } from "../services/users/sessions.ts";
import type { TeamRef } from "../services/teams/teams.ts";

export interface State {
  services: Services;
  /** The signed-in user on pages (resolved by `routes/_middleware.ts`); null when signed out. */
  user: SessionUser | null;
  /** The page's `<title>`, set by its handler; `_app` adds " · Uptime". */
  title?: string;
}

/** State on pages under `/app`, where `routes/app/_middleware.ts` guarantees a user. */
export interface SignedInState extends State {
  user: SessionUser;
  /**
   * The teams the user works in, their own first; empty when that is their own alone
   * (`routes/app/_middleware.ts`).
   */
  teams: TeamRef[];
}

export const define = createDefine<State>();

/** `define` for pages under `/app`, whose `ctx.state.user` is always set. */
export const defineApp = createDefine<SignedInState>();
