/**
 * Pause, resume and delete, of one monitor or of those ticked on the list: each asks first
 * on a page of its own (so it works without JavaScript and nothing is one stray click
 * away), then does it on the POST.
 */
import {
  applyBulkAction,
  applyMonitorAction,
  type MonitorAction,
} from "../services/websites/actions.ts";
import type { Incident } from "../services/incidents/store.ts";
import type { Actor, Services } from "../services/context.ts";
import type { Variant } from "../components/ui.tsx";
import { formatDateTime } from "../lib/time_format.ts";

export interface ActionCopy {
  title: string;
  explanation: string;
  button: string;
  variant: Variant;
  /** A checkbox, ticked at first, for something the action may do as well. */
  option?: { name: string; label: string; hint: string };
}

/** What the page asks; `ongoing`: the monitor's incident that has not ended. */
export function actionCopy(
  action: MonitorAction,
  name: string,
  ongoing: Incident | null = null,
): ActionCopy {
  switch (action) {
    case "pause":
      return {
        title: `Pause ${name}?`,
        explanation:
          "Checks stop until you resume the monitor. Its history stays, and its status pages show it as paused.",
        button: "Pause monitor",
        variant: "primary",
        // Paused, nothing would end it: no check runs to see the site up again.
        option: ongoing
          ? {
            name: "resolve",
            label: "Also resolve its ongoing incident",
            hint: `Down since ${
              formatDateTime(ongoing.startedAt, "UTC")
            }. Its channels are told you resolved it. Left open, it ends only once the monitor is resumed and its checks pass.`,
          }
          : undefined,
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

/** Does it; returns where the browser goes next. `form`: the options ticked. */
export async function runAction(
  services: Services,
  actor: Actor,
  id: string,
  action: MonitorAction,
  form: URLSearchParams,
): Promise<string> {
  const { resolved } = await applyMonitorAction(
    services,
    actor,
    id,
    action,
    form.get("resolve") === "on",
  );
  if (action === "delete") return "/app?notice=deleted";
  if (action === "resume") return `/app/monitors/${id}?notice=resumed`;
  return `/app/monitors/${id}?notice=${resolved ? "paused-resolved" : "paused"}`;
}

/** What the page asks before acting on `count` monitors, `ongoing` of them with an incident. */
export function bulkActionCopy(action: MonitorAction, count: number, ongoing: number): ActionCopy {
  const monitors = `${count} monitor${count === 1 ? "" : "s"}`;
  const copy = bulkCopy(action, monitors, ongoing);
  if (count > 1) return copy;
  // One monitor is told of as on its own page.
  return {
    ...copy,
    explanation: actionCopy(action, "").explanation,
    option: copy.option && {
      name: copy.option.name,
      label: "Also resolve its ongoing incident",
      hint:
        "It is down. Its channels are told you resolved it. Left open, it ends only once the monitor is resumed and its checks pass.",
    },
  };
}

function bulkCopy(action: MonitorAction, monitors: string, ongoing: number): ActionCopy {
  switch (action) {
    case "pause":
      return {
        title: `Pause ${monitors}?`,
        explanation:
          "Checks stop until you resume them. Their history stays, and their status pages show them as paused.",
        button: `Pause ${monitors}`,
        variant: "primary",
        option: ongoing
          ? {
            name: "resolve",
            label: "Also resolve their ongoing incidents",
            hint: `${ongoing} of them ${
              ongoing === 1 ? "is" : "are"
            } down. Their channels are told you resolved it. Left open, an incident ends only once its monitor is resumed and its checks pass.`,
          }
          : undefined,
      };
    case "resume":
      return {
        title: `Resume ${monitors}?`,
        explanation: "Checks start again right away, from every region each monitor uses.",
        button: `Resume ${monitors}`,
        variant: "primary",
      };
    case "delete":
      return {
        title: `Delete ${monitors}?`,
        explanation:
          "They stop, leave every status page they are on, and their settings are removed. This cannot be undone.",
        button: `Delete ${monitors}`,
        variant: "danger",
      };
  }
}

/** Does `action` to each of `ids` the actor owns; returns how many it changed. */
export async function runBulkAction(
  services: Services,
  actor: Actor,
  ids: string[],
  action: MonitorAction,
  form: URLSearchParams,
): Promise<number> {
  const resolveIncidents = form.get("resolve") === "on";
  return (await applyBulkAction(services, actor, { action, ids, resolveIncidents })).ids.length;
}
