/** The handlers and page of `/app/monitors/<id>/{pause,resume,delete}`. */
import { displayName } from "../services/websites/store.ts";
import { page } from "../fresh/mod.ts";
import { defineApp } from "./define.ts";
import { loadMonitor } from "./monitor_loader.ts";
import { type ActionCopy, actionCopy, runAction } from "./monitor_actions.ts";
import { type MonitorAction, ongoingIncident } from "../services/websites/actions.ts";
import { readForm, seeOther } from "./forms.ts";
import { actorOf } from "../services/context.ts";

export function monitorActionHandlers(action: MonitorAction) {
  return defineApp.handlers<{ id: string; copy: ActionCopy }>({
    async GET(ctx) {
      const website = await loadMonitor(ctx);
      const actor = actorOf(ctx.state.user);
      const ongoing = action === "pause" && website.active
        ? await ongoingIncident(ctx.state.services, actor, website.id)
        : null;
      const copy = actionCopy(action, displayName(website), ongoing);
      ctx.state.title = copy.title;
      return page({ id: website.id, copy });
    },
    async POST(ctx) {
      const website = await loadMonitor(ctx);
      const form = await readForm(ctx.req);
      return seeOther(
        await runAction(
          ctx.state.services,
          actorOf(ctx.state.user),
          website.id,
          action,
          form,
        ),
      );
    },
  });
}
