/**
 * The server side of the "Schedule maintenance" and "Edit maintenance" forms: the
 * browser's local date-times, read in the time zone the form names, become the API's epoch
 * milliseconds.
 */
import type { Context } from "../fresh/mod.ts";
import { createMaintenance } from "../services/maintenance/create.ts";
import {
  type CreateMaintenanceInput,
  createMaintenanceInput,
  MAX_REPEATS,
  updateMaintenanceInput,
} from "../services/maintenance/input.ts";
import { updateMaintenance } from "../services/maintenance/update.ts";
import type { MaintenanceView } from "../services/maintenance/windows.ts";
import { formatLocalInput, knownTimeZone } from "../lib/time_format.ts";
import { LOCAL_DATE_TIME, zonedTime } from "../lib/zoned_time.ts";
import { DomainError } from "../services/errors.ts";
import type { State } from "./define.ts";
import { type FieldErrors, fieldErrors, type FormOutcome, seeOther } from "./forms.ts";
import { actorOf } from "../services/context.ts";

export interface MaintenanceValues {
  title: string;
  message: string;
  /** As the browser sent them: "2026-12-04T22:00". */
  startsAt: string;
  endsAt: string;
  timeZone: string;
  websiteIds: string[];
  /** "", "day" or "week"; with how many times (new windows only). */
  repeat: string;
  times: string;
}

export const EMPTY_VALUES: MaintenanceValues = {
  title: "",
  message: "",
  startsAt: "",
  endsAt: "",
  /** Empty: the browser's own, once it says which (UTC until then). */
  timeZone: "",
  websiteIds: [],
  repeat: "",
  times: "4",
};

/** A window's fields as its edit form shows them first: times in UTC until the browser says. */
export function valuesOf(window: MaintenanceView): MaintenanceValues {
  return {
    title: window.title,
    message: window.message,
    startsAt: formatLocalInput(window.startsAt, "UTC"),
    endsAt: formatLocalInput(window.endsAt, "UTC"),
    timeZone: "",
    websiteIds: window.websiteIds,
    repeat: "",
    times: "",
  };
}

/** Why a field's value named no time: not a calendar date and time, or a skipped one. */
function timeError(local: string, timeZone: string, otherwise: string): string {
  const utc = Date.parse(`${local}Z`);
  const real = LOCAL_DATE_TIME.test(local) && !Number.isNaN(utc) &&
    new Date(utc).toISOString().startsWith(local);
  return real ? `No such time in ${timeZone} (the clocks change then); choose another` : otherwise;
}

/**
 * Schedules a window, or with `existing` changes that one. A time sent back as the form
 * showed it is the window's own, to the millisecond (the field holds whole minutes).
 */
export async function submitMaintenance(
  ctx: Context<State>,
  form: URLSearchParams,
  existing?: MaintenanceView,
): Promise<FormOutcome<{ values: MaintenanceValues; errors: FieldErrors }>> {
  const values: MaintenanceValues = {
    title: (form.get("title") ?? "").slice(0, 200),
    message: (form.get("message") ?? "").slice(0, 2_000),
    startsAt: (form.get("startsAt") ?? "").trim().slice(0, 40),
    endsAt: (form.get("endsAt") ?? "").trim().slice(0, 40),
    timeZone: (form.get("timeZone") ?? "UTC").slice(0, 100),
    websiteIds: form.getAll("websiteIds").slice(0, 200),
    repeat: (form.get("repeat") ?? "").slice(0, 10),
    times: (form.get("times") ?? "").trim().slice(0, 10),
  };
  const redraw = (errors: FieldErrors, status = 400) => ({ values, errors, status });
  if (!knownTimeZone(values.timeZone)) {
    // Drawn again in UTC, which the browser replaces with its own zone if it can.
    const zone = values.timeZone;
    values.timeZone = "UTC";
    return redraw({ form: `Unknown time zone "${zone}": check the times, now read in UTC.` });
  }
  const zone = values.timeZone;
  const read = async (local: string, own?: number) =>
    own !== undefined && formatLocalInput(own, zone) === local ? own : await zonedTime(local, zone);
  const errors: FieldErrors = {};
  // A window in progress keeps its start (the form does not ask); empty: at once.
  const keepStart = existing?.state === "in-progress";
  const startsAt = keepStart
    ? existing!.startsAt
    : values.startsAt
    ? await read(values.startsAt, existing?.startsAt)
    : Date.now();
  const endsAt = await read(values.endsAt, existing?.endsAt);
  if (startsAt === null) {
    errors.startsAt = timeError(
      values.startsAt,
      zone,
      "Enter a date and time, or leave it empty for now",
    );
  }
  if (endsAt === null) {
    errors.endsAt = timeError(values.endsAt, zone, "Enter the date and time it ends");
  }
  const every = values.repeat;
  const count = Number(values.times);
  if (every && !(Number.isInteger(count) && count >= 2 && count <= MAX_REPEATS)) {
    errors.times = `Enter how many times, from 2 to ${MAX_REPEATS}`;
  }
  // The inputs refuse a key they do not know: each gets only its own fields, picked here.
  const window = {
    title: values.title,
    message: values.message,
    endsAt,
    websiteIds: values.websiteIds,
  };
  const parsed = existing
    ? updateMaintenanceInput.safeParse({
      ...window,
      id: existing.id,
      startsAt: keepStart ? undefined : startsAt,
    })
    : createMaintenanceInput.safeParse({
      ...window,
      startsAt,
      // The times are read in it already; the API needs it to lay out a series' repeats.
      timeZone: values.timeZone,
      ...(every && !errors.times && { repeat: { every, times: count } }),
    });
  if (!parsed.success) {
    // Every problem at once, a field's own first.
    return redraw({ ...fieldErrors(parsed.error), ...errors });
  }
  if (Object.keys(errors).length) return redraw(errors);
  const actor = actorOf(ctx.state.user!);
  try {
    if (existing) {
      await updateMaintenance(ctx.state.services, actor, { ...parsed.data, id: existing.id });
      return { redirect: seeOther("/app/maintenance?done=updated#notice") };
    }
    // Without `existing`, parsed by createMaintenanceInput.
    const input = parsed.data as CreateMaintenanceInput;
    await createMaintenance(ctx.state.services, actor, { ...input, startsAt: startsAt! });
    return { redirect: seeOther("/app/maintenance?done=created#notice") };
  } catch (error) {
    if (existing && error instanceof DomainError) {
      // A page left open: the window ended, or was deleted, meanwhile.
      if (error.code === "CONFLICT") {
        return { redirect: seeOther("/app/maintenance?done=already-ended#notice") };
      }
      if (error.code === "NOT_FOUND" && /maintenance window/.test(error.message)) {
        return { redirect: seeOther("/app/maintenance?done=gone#notice") };
      }
    }
    let found = fieldErrors(error);
    if (!found && error instanceof DomainError && error.code === "NOT_FOUND") {
      found = { websiteIds: "A monitor you chose no longer exists; choose again." };
    }
    if (!found) throw error;
    return redraw(found);
  }
}
