/**
 * Pause, resume and delete, of one monitor or of those ticked on the list: each asks first
 * on a page of its own (so it works without JavaScript and nothing is one stray click
 * away), then does it on the POST.
 */
import { deleteWebsite } from "../services/websites/delete.ts";
import { setWebsiteActive } from "../services/websites/set_active.ts";
import { listIncidents } from "../services/incidents/list.ts";
import { resolveIncident } from "../services/incidents/resolve.ts";
import type { Incident } from "../services/incidents/store.ts";
import type { Actor, Services } from "../services/context.ts";
import type { Variant } from "../components/ui.tsx";
import { formatDateTime } from "../lib/time_format.ts";
import { DomainError } from "../services/errors.ts";

export const MONITOR_ACTIONS = ["pause", "resume", "delete"] as const;
export type MonitorAction = typeof MONITOR_ACTIONS[number];

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

/** The monitor's incident that has not ended, if any (a monitor has one at most). */
export async function ongoingIncident(
  services: Services,
  actor: Actor,
  websiteId: string,
): Promise<Incident | null> {
  const [latest] = (await listIncidents(services, actor, { websiteId })).incidents;
  return latest?.resolvedAt === null ? latest : null;
}

/** Does it; returns where the browser goes next. `form`: the options ticked. */
export async function runAction(
  services: Services,
  actor: Actor,
  id: string,
  action: MonitorAction,
  form: URLSearchParams,
): Promise<string> {
  if (action === "delete") {
    await deleteWebsite(services, actor, id);
    return "/app?notice=deleted";
  }
  await setWebsiteActive(services, actor, { id, active: action === "resume" });
  if (action === "resume") return `/app/monitors/${id}?notice=resumed`;
  // Paused first: no result still in flight can open another incident after this one.
  const ongoing = form.get("resolve") === "on" ? await ongoingIncident(services, actor, id) : null;
  if (ongoing) await resolveIncident(services, actor, ongoing.id);
  return `/app/monitors/${id}?notice=${ongoing ? "paused-resolved" : "paused"}`;
}

/** Monitors one bulk action takes: more than a page of the list (50). */
export const MAX_BULK = 100;

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

/**
 * Does `action` to each of `ids` the actor owns, one after another, as to one monitor;
 * returns how many it changed (one deleted meanwhile, or someone else's, is left out).
 */
export async function runBulkAction(
  services: Services,
  actor: Actor,
  ids: string[],
  action: MonitorAction,
  form: URLSearchParams,
): Promise<number> {
  let done = 0;
  for (const id of ids) {
    try {
      await runAction(services, actor, id, action, form);
      done++;
    } catch (error) {
      if (!(error instanceof DomainError && error.code === "NOT_FOUND")) throw error;
    }
  }
  return done;
}
