/**
 * Pause, resume and delete: each asks first on a page of its own (so it works without
 * JavaScript and nothing is one stray click away), then does it on the POST.
 */
import { deleteWebsite } from "../services/websites/delete.ts";
import { setWebsiteActive } from "../services/websites/set_active.ts";
import type { Actor, Services } from "../services/context.ts";
import type { Variant } from "../components/ui.tsx";

export type MonitorAction = "pause" | "resume" | "delete";

export interface ActionCopy {
  title: string;
  explanation: string;
  button: string;
  variant: Variant;
}

export function actionCopy(action: MonitorAction, name: string): ActionCopy {
  switch (action) {
    case "pause":
      return {
        title: `Pause ${name}?`,
        explanation:
          "Checks stop until you resume the monitor. Its history stays, and its status pages show it as paused.",
        button: "Pause monitor",
        variant: "primary",
      };
    case "resume":
      return {
        title: `Resume ${name}?`,
        explanation: "Checks start again right away, from every region the monitor uses.",
        button: "Resume monitor",
        variant: "primary",
      };
    case "delete":
      return {
        title: `Delete ${name}?`,
        explanation:
          "The monitor stops, leaves every status page it is on, and its settings are removed. This cannot be undone.",
        button: "Delete monitor",
        variant: "danger",
      };
  }
}

/** Does it; returns where the browser goes next. */
export async function runAction(
  services: Services,
  actor: Actor,
  id: string,
  action: MonitorAction,
): Promise<string> {
  if (action === "delete") {
    await deleteWebsite(services, actor, id);
    return "/app?notice=deleted";
  }
  await setWebsiteActive(services, actor, { id, active: action === "resume" });
  return `/app/monitors/${id}?notice=${action === "resume" ? "resumed" : "paused"}`;
}
